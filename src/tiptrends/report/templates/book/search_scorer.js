/*
 * Search scorer of the tiptrends book (Sphinx's html_search_scorer): a result on an API
 * reference page scores lower, so that chapters and their sections come first for a word
 * that is also the name of a function or module.
 */
var Scorer = {
  score: (result) => {
    const [docname, , , , score] = result;
    return docname.startsWith("reference/") ? score - 30 : score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
