/* The place explorer (explorer.html): draws one place of window.TIPTRENDS_EXPLORER, the JSON
   of every place written by `tiptrends render` (tiptrends.report.explorer), with Vega-Lite
   (bundled in _static/vendor/vega). Each chart has its numbers in words (its description, read
   by screen readers) and in a table. The place is chosen with a native select (keyboard: arrow
   keys, first letters) and kept in the page's address (#NGA, #eu27, #glotip-...). */
(function () {
  "use strict";

  var DATA = window.TIPTRENDS_EXPLORER;
  var PROFILES = new Set(window.TIPTRENDS_PROFILES || []);
  var GROUPS = [
    ["country", "Countries and territories"],
    ["eu27", "European Union"],
    ["glotip_region", "GLOTIP regions"],
    ["un_region", "UN M49 regions"],
    ["un_subregion", "UN M49 sub-regions"],
    ["world", "World"],
  ];
  var STATUS_WORDS = {
    reported: "published",
    suppressed: '"<5"',
    excluded: "excluded",
    interpolated: "interpolated",
    not_reported: "not reported",
  };

  function $(id) {
    return document.getElementById(id);
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function count(x) {
    return x === null || x === undefined ? "–" : Math.round(x).toLocaleString("en-US");
  }
  function pct(x) {
    return x === null || x === undefined ? "–" : x.toFixed(1) + " %";
  }
  function rate(x) {
    return x === null || x === undefined ? "–" : x.toFixed(1);
  }
  function plural(n, one, many) {
    return count(n) + " " + (n === 1 ? one : many);
  }
  function lastIndex(values) {
    for (var i = values.length - 1; i >= 0; i--) if (values[i] !== null) return i;
    return -1;
  }
  function sum(values) {
    return values.reduce(function (a, b) {
      return a + (b || 0);
    }, 0);
  }

  // ------------------------------------------------------------------ tables
  function table(columns, rows, caption) {
    var t = el("table", { class: "tt-explorer-table" });
    t.appendChild(el("caption", {}, caption));
    var head = el("tr");
    columns.forEach(function (c) {
      head.appendChild(el("th", { scope: "col" }, c[0]));
    });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var tr = body.appendChild(el("tr"));
      columns.forEach(function (c, j) {
        tr.appendChild(el(j === 0 ? "th" : "td", j === 0 ? { scope: "row" } : {}, c[1](r)));
      });
    });
    return t;
  }
  function showTable(id, node) {
    var box = $(id);
    box.textContent = "";
    if (node) box.appendChild(node);
    box.closest("details").hidden = !node;
  }

  // ------------------------------------------------------------------ charts
  var FONT = { labelFontSize: 11, titleFontSize: 11 };
  function base(description, values) {
    return {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      description: description,
      width: "container",
      height: 220,
      autosize: { type: "fit", contains: "padding" },
      data: { values: values },
      config: { axis: FONT, legend: FONT, view: { stroke: null }, font: "sans-serif" },
    };
  }
  function yearAxis() {
    // every year of the release on the axis, so that charts of one place line up
    var years = [];
    for (var y = DATA.years[0]; y <= DATA.years[1]; y++) years.push(y);
    return {
      field: "year",
      type: "ordinal",
      title: null,
      scale: { domain: years },
      axis: { labelAngle: 0, labelExpr: "datum.value % 5 === 0 ? datum.label : ''", ticks: false },
    };
  }
  function draw(id, spec, description) {
    var box = $(id);
    box.textContent = "";
    box.hidden = !spec;
    if (!spec) return;
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", description);
    var target = box.appendChild(el("div", { class: "tt-chart-body" }));
    vegaEmbed(target, spec, { actions: false, renderer: "svg" }).catch(function (err) {
      box.textContent = "The chart could not be drawn: " + err.message;
    });
  }
  function legend(items) {
    var box = el("p", { class: "tt-legend" });
    items.forEach(function (it) {
      var key = box.appendChild(el("span", { class: "tt-legend-item" }));
      key.appendChild(el("span", { class: "tt-swatch " + (it[2] || ""), style: "--c:" + it[1] }));
      key.appendChild(document.createTextNode(it[0]));
    });
    return box;
  }

  // ------------------------------------------------------------------ victims
  function victims(place) {
    var v = place.victims;
    var country = place.kind === "country";
    var rows = v.year.map(function (year, i) {
      var statuses = {};
      Object.keys(STATUS_WORDS).forEach(function (s) {
        statuses[s] = v[s][i];
      });
      return {
        year: year,
        victims: v.victims[i],
        with_interpolated: v.with_interpolated[i],
        statuses: statuses,
      };
    });
    var last = lastIndex(v.victims);
    var n = {};
    Object.keys(STATUS_WORDS).forEach(function (s) {
      n[s] = country ? sum(v[s]) : v[s].filter(function (x) { return x > 0; }).length;
    });
    var text;
    if (last < 0) {
      text = place.name + " has no published count of detected victims in the release";
      if (n.suppressed) text += "; the count was published as \"<5\" in " + plural(n.suppressed, "year", "years");
      text += ".";
    } else if (country) {
      text = "The last published count of detected victims in " + place.name + " is " +
        count(v.victims[last]) + " (" + v.year[last] + "). Of the " + v.year.length +
        " years of the release, " + n.reported + " have a published count, " + n.suppressed +
        " a \"<5\", " + n.excluded + " an excluded count, " + n.interpolated +
        " an interpolated one and " + n.not_reported + " none.";
    } else {
      text = "Detected victims in " + place.name + ", summed over the member countries that " +
        "published a count: " + count(v.victims[last]) + " in " + v.year[last] + " (" +
        plural(v.reported[last], "country", "countries") + " of " + place.members.length +
        "; " + v.suppressed[last] + " with \"<5\", " + v.excluded[last] + " excluded, " +
        v.interpolated[last] + " interpolated, " + v.not_reported[last] + " not reporting).";
    }
    $("tt-victims-text").textContent = text;

    var top = Math.max.apply(null, rows.map(function (r) {
      return Math.max(r.victims || 0, r.with_interpolated || 0);
    }).concat([1]));
    var values = rows.map(function (r) {
      var marks = [];
      if (r.victims === null) {
        if (r.statuses.suppressed) marks.push(country ? "<5" : r.statuses.suppressed + " <5");
        if (r.statuses.excluded) marks.push(country ? "excl." : r.statuses.excluded + " excl.");
      }
      return {
        year: r.year,
        published: r.victims || 0,
        interpolated_top: Math.max(r.with_interpolated || 0, r.victims || 0),
        gap: r.victims === null ? top : 0,
        mark: marks.join(" "),
        "published count": r.victims === null ? "none" : count(r.victims),
        "with interpolated": count(r.with_interpolated),
      };
    });
    var tooltip = [
      { field: "year", type: "ordinal" },
      { field: "published count", type: "nominal" },
      { field: "with interpolated", type: "nominal" },
    ];
    var colour = DATA.colours.victims;
    var spec = last < 0 && !n.suppressed ? null : Object.assign(base(text, values), {
      encoding: { x: yearAxis() },
      layer: [
        { mark: { type: "bar", color: "#e4e4e4" }, encoding: { y: { field: "gap", type: "quantitative" } } },
        {
          mark: { type: "bar", color: colour },
          encoding: {
            y: { field: "published", type: "quantitative", title: "Detected victims" },
            tooltip: tooltip,
          },
        },
        {
          mark: { type: "bar", fill: "white", stroke: colour, strokeDash: [3, 2], strokeWidth: 1 },
          encoding: {
            y: { field: "published", type: "quantitative" },
            y2: { field: "interpolated_top" },
            tooltip: tooltip,
          },
        },
        {
          mark: { type: "text", angle: 270, align: "left", baseline: "middle", dx: 3, fontSize: 10 },
          encoding: { y: { datum: 0 }, text: { field: "mark" } },
        },
      ],
    });
    draw("tt-victims-chart", spec, text);
    var box = $("tt-victims-chart");
    if (spec) {
      box.appendChild(legend([
        ["published count", colour, ""],
        ["interpolated (no report)", colour, "tt-dashed"],
        ["no published count", "#e4e4e4", ""],
      ]));
    }
    var columns = [["year", function (r) { return r.year; }],
      [country ? "victims" : "victims (published, summed)", function (r) { return count(r.victims); }],
      ["with interpolated", function (r) { return count(r.with_interpolated); }]];
    if (country) {
      columns.push(["status", function (r) {
        return STATUS_WORDS[Object.keys(STATUS_WORDS).filter(function (s) { return r.statuses[s]; })[0]];
      }]);
    } else {
      Object.keys(STATUS_WORDS).forEach(function (s) {
        columns.push(["countries " + STATUS_WORDS[s], function (r) { return count(r.statuses[s]); }]);
      });
    }
    showTable("tt-victims-table", table(columns, rows.slice().reverse(),
      "Detected victims per year, " + place.name));
    return last < 0 ? null : { year: v.year[last], value: v.victims[last] };
  }

  // ------------------------------------------------------------------ shares
  function shares(place, key, categories, what, denominatorWords) {
    var s = place[key];
    var id = "tt-" + key;
    if (!s || !s.year) {
      $(id + "-text").textContent = "No " + what + " breakdown is published for " + place.name + ".";
      draw(id + "-chart", null);
      showTable(id + "-table", null);
      return null;
    }
    var last = s.year.length - 1;
    var parts = categories.map(function (c) {
      return c.toLowerCase() + " " + pct(s[c][last]);
    });
    var text = "In " + s.year[last] + ", of " + count(s.denominator[last]) + " " +
      denominatorWords + " in " + plural(s.countries[last], "country", "countries") + ": " +
      parts.join(", ") + ".";
    if (s.suppressed_cells && s.suppressed_cells[last]) {
      text += " " + plural(s.suppressed_cells[last], '"<5" cell was', '"<5" cells were') + " left out.";
    }
    if (s.form_fallback_countries && s.form_fallback_countries[last]) {
      text += " " + plural(s.form_fallback_countries[last], "country is", "countries are") +
        " counted from their cells by form.";
    }
    if (s.excluded_countries[last]) {
      text += " " + plural(s.excluded_countries[last], "country's rows were", "countries' rows were") +
        " dropped by an exclusion.";
    }
    $(id + "-text").textContent = text;
    var drawn = categories.filter(function (c) { return c !== "children"; });
    var values = [];
    s.year.forEach(function (year, i) {
      drawn.forEach(function (c) {
        if (s[c][i] === null) return;
        values.push({ year: year, group: c, share: s[c][i], "share (%)": pct(s[c][i]),
          denominator: count(s.denominator[i]), countries: s.countries[i] });
      });
    });
    var spec = Object.assign(base(text, values), {
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "year", type: "quantitative", title: null,
          axis: { format: "d", tickMinStep: 1, labelFlush: true } },
        y: { field: "share", type: "quantitative", title: "Share (%)", scale: { domain: [0, 100] } },
        color: {
          field: "group", type: "nominal", title: null, sort: drawn,
          scale: { domain: drawn, range: drawn.map(function (c) { return DATA.colours[c]; }) },
          legend: { orient: "bottom", direction: "vertical", labelLimit: 320 },
        },
        tooltip: [{ field: "year" }, { field: "group" }, { field: "share (%)" },
          { field: "denominator" }, { field: "countries" }],
      },
    });
    draw(id + "-chart", spec, text);
    var columns = [["year", function (i) { return s.year[i]; }]];
    categories.forEach(function (c) {
      columns.push([c + " (%)", function (i) { return pct(s[c][i]).replace(" %", ""); }]);
    });
    columns.push(["denominator", function (i) { return count(s.denominator[i]); }]);
    columns.push(["countries", function (i) { return count(s.countries[i]); }]);
    if (s.suppressed_cells) columns.push(['"<5" cells left out', function (i) { return count(s.suppressed_cells[i]); }]);
    if (s.form_fallback_countries) columns.push(["countries from form cells", function (i) { return count(s.form_fallback_countries[i]); }]);
    columns.push(["countries excluded", function (i) { return count(s.excluded_countries[i]); }]);
    var idx = s.year.map(function (_, i) { return i; }).reverse();
    showTable(id + "-table", table(columns, idx, "Shares by " + what + " (%), " + place.name));
    return { year: s.year[last], series: s, index: last };
  }

  // ------------------------------------------------------------------ convictions
  function convictions(place) {
    var c = place.convictions;
    if (!c || !c.year) {
      $("tt-convictions-text").textContent = "No count of persons convicted is published for " +
        place.name + ".";
      draw("tt-convictions-chart", null);
      showTable("tt-convictions-table", null);
      return null;
    }
    var lastRate = lastIndex(c.per_100_victims);
    var last = c.year.length - 1;
    var text = count(c.convicted[last]) + " persons convicted of trafficking in " + c.year[last] +
      " (" + plural(c.countries_convicting[last], "country", "countries") + ").";
    if (lastRate >= 0) {
      text += " In " + c.year[lastRate] + ", " + rate(c.per_100_victims[lastRate]) +
        " persons were convicted per 100 detected victims (" + count(c.convicted_with_victims[lastRate]) +
        " convicted, " + count(c.victims[lastRate]) + " victims, " +
        plural(c.countries[lastRate], "country", "countries") + " publishing both).";
    }
    $("tt-convictions-text").textContent = text;
    var values = [];
    c.year.forEach(function (year, i) {
      if (c.per_100_victims[i] === null) return;
      values.push({ year: year, rate: c.per_100_victims[i], "per 100 victims": rate(c.per_100_victims[i]),
        convicted: count(c.convicted_with_victims[i]), victims: count(c.victims[i]), countries: c.countries[i] });
    });
    var spec = values.length ? Object.assign(base(text, values), {
      mark: { type: "bar", color: DATA.colours.convictions },
      encoding: {
        x: yearAxis(),
        y: { field: "rate", type: "quantitative", title: "Convicted per 100 victims" },
        tooltip: [{ field: "year" }, { field: "per 100 victims" }, { field: "convicted" },
          { field: "victims" }, { field: "countries" }],
      },
    }) : null;
    draw("tt-convictions-chart", spec, text);
    var columns = [
      ["year", function (i) { return c.year[i]; }],
      ["convicted", function (i) { return count(c.convicted[i]); }],
      ["countries convicting", function (i) { return count(c.countries_convicting[i]); }],
      ["per 100 victims", function (i) { return rate(c.per_100_victims[i]); }],
      ["convicted, with victims", function (i) { return count(c.convicted_with_victims[i]); }],
      ["victims", function (i) { return count(c.victims[i]); }],
      ["countries with both", function (i) { return count(c.countries[i]); }],
      ['"<5" countries', function (i) { return count(c.suppressed[i]); }],
      ["countries excluded", function (i) { return count(c.excluded[i]); }],
    ];
    var idx = c.year.map(function (_, i) { return i; }).reverse();
    showTable("tt-convictions-table", table(columns, idx, "Persons convicted, " + place.name));
    return lastRate < 0 ? null : { year: c.year[lastRate], value: c.per_100_victims[lastRate] };
  }

  // ------------------------------------------------------------------ the place
  function keyNumbers(place, v, forms, sexAge, conv) {
    var dl = el("dl", { class: "tt-key-numbers" });
    function add(label, key, year, shown) {
      var row = dl.appendChild(el("div"));
      row.appendChild(el("dt", {}, label + (year ? ", " + year : "")));
      row.appendChild(el("dd", { "data-tt": key, "data-year": year || "" }, shown));
    }
    add("Detected victims (last published)", "victims", v && v.year, v ? count(v.value) : "none published");
    if (forms) {
      DATA.forms.forEach(function (f) {
        add(f + ", share", "form:" + f, forms.year, pct(forms.series[f][forms.index]));
      });
    }
    if (sexAge) add("Children, share of known sex and age", "sex_age:children", sexAge.year,
      pct(sexAge.series.children[sexAge.index]));
    if (conv) add("Convicted per 100 detected victims", "convictions", conv.year, rate(conv.value));
    return dl;
  }

  function about(place) {
    var box = $("tt-place-about");
    box.textContent = "";
    box.appendChild(el("h2", { class: "tt-place-name", id: "tt-place-name" }, place.name));
    var kind = DATA.kinds[place.kind] || place.kind;
    var members = plural(place.members.length, "country", "countries");
    var line = place.kind === "country" ? "A " + kind + " of " + place.group + "." :
      place.kind === "world" ? "All " + members + " in the data." :
      (place.kind === "eu27" ? "The " : "A ") + kind + ": " + members + " in the data.";
    box.appendChild(el("p", {}, line + " UNODC release of " + DATA.release + "."));
    if (place.note) box.appendChild(el("p", { class: "tt-note" }, place.note));
    var p = box.appendChild(el("p", { class: "tt-profile" }));
    if (place.profile && PROFILES.has(place.profile)) {
      p.appendChild(document.createTextNode("Full profile: "));
      p.appendChild(el("a", { href: "profiles/" + place.profile + ".html" }, place.name + ": place profile"));
      p.appendChild(document.createTextNode(" (citizenship, revisions, data-quality flags, prevalence)."));
    } else if (place.profile) {
      var command = place.kind === "country" ? "tiptrends profile " + place.id :
        'tiptrends profile --region "' + (place.kind === "eu27" ? "EU27" : place.name) + '"';
      p.appendChild(document.createTextNode("No full profile of this place in the book; "));
      p.appendChild(el("code", {}, command));
      p.appendChild(document.createTextNode(" renders one."));
    }
    if (place.members.length) {
      var names = place.members.map(function (m) { return (BY_ID[m] || { name: m }).name; });
      var d = box.appendChild(el("details", { class: "tt-members" }));
      d.appendChild(el("summary", {}, "Member countries in the data"));
      d.appendChild(el("p", {}, names.join(", ") + "."));
    }
    return box;
  }

  function show(id) {
    var place = BY_ID[id] || BY_ID.world || DATA.places[0];
    var box = about(place);
    var v = victims(place);
    var forms = shares(place, "forms", DATA.forms, "form", "victims with a known form");
    var sexAge = shares(place, "sex_age", DATA.sex_age, "sex and age", "victims of known sex and age");
    var conv = convictions(place);
    box.insertBefore(keyNumbers(place, v, forms, sexAge, conv), box.querySelector(".tt-profile"));
    document.title = place.name + " – " + TITLE;
    return place;
  }

  // ------------------------------------------------------------------ start
  var BY_ID = {};
  var TITLE = document.title;
  function start() {
    var select = $("tt-place");
    if (!DATA || !select || typeof vegaEmbed === "undefined") {
      var box = $("tt-place-about");
      if (box) box.textContent = "The explorer's data are not in this build of the book " +
        "(run tiptrends render).";
      return;
    }
    DATA.places.forEach(function (p) { BY_ID[p.id] = p; });
    GROUPS.forEach(function (g) {
      var members = DATA.places.filter(function (p) { return p.kind === g[0]; });
      if (!members.length) return;
      var group = select.appendChild(el("optgroup", { label: g[1] }));
      members.forEach(function (p) {
        group.appendChild(el("option", { value: p.id }, p.kind === "country" ? p.name + " (" + p.id + ")" : p.name));
      });
    });
    var first = decodeURIComponent(location.hash.slice(1)) || "world";
    if (!BY_ID[first]) first = BY_ID.world ? "world" : DATA.places[0].id;
    select.value = first;
    show(first);
    select.addEventListener("change", function () {
      history.replaceState(null, "", "#" + encodeURIComponent(select.value));
      show(select.value);
    });
    window.addEventListener("hashchange", function () {
      var id = decodeURIComponent(location.hash.slice(1));
      if (BY_ID[id] && id !== select.value) {
        select.value = id;
        show(id);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
