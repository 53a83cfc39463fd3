/// The report's style sheet: system fonts only, responsive, print-friendly.
enum ReportStyle {
    static let css = """
    :root {
      --fg: #1f2328; --muted: #57606a; --line: #d8dee4; --soft: #f6f8fa; --accent: #0b5cad;
      --ok: #0a6b4a; --ok-bg: #dff3ea; --fail: #a4400a; --fail-bg: #fde8d7;
      --crash: #8c1d40; --crash-bg: #f8e1ea; --skip: #57606a; --skip-bg: #eef1f4;
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body {
      margin: 0; color: var(--fg); background: #fff;
      font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
      font-variant-numeric: tabular-nums;
    }
    main, .top { max-width: 1320px; margin: 0 auto; padding: 0 28px; }
    .top { padding-top: 36px; padding-bottom: 8px; }
    h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
    h2 { font-size: 1.45rem; line-height: 1.25; margin: 4px 0 8px; }
    h3 { font-size: 1.05rem; margin: 26px 0 8px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
    h3 small { text-transform: none; letter-spacing: 0; font-weight: normal; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    sup, sub { line-height: 0; font-size: 0.75em; }
    code, .mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
    .lede { color: var(--muted); margin: 0 0 14px; font-size: 1.05rem; max-width: 75ch; }
    .meta-chips { display: flex; flex-wrap: wrap; gap: 6px 8px; margin: 0 0 18px; padding: 0; list-style: none; }
    .meta-chips li { background: var(--soft); border: 1px solid var(--line); border-radius: 999px; padding: 2px 12px; font-size: 0.9rem; }
    .meta-chips b { font-weight: 600; color: var(--muted); }
    .tallies { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 8px 0 26px; }
    .tally { border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; background: #fff; }
    .tally .n { display: block; font-size: 1.9rem; font-weight: 650; line-height: 1.1; }
    .tally .what { color: var(--muted); font-size: 0.92rem; }
    .tally.t-ok .n { color: var(--ok); } .tally.t-fail .n { color: var(--fail); } .tally.t-crash .n { color: var(--crash); }
    .tally .n.long { font-size: 1.45rem; line-height: 1.5; white-space: nowrap; }
    .table-wrap { overflow-x: auto; margin: 0 0 8px; }
    table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
    th, td { text-align: left; vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line); }
    th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; background: var(--soft); }
    td.num, th.num { text-align: right; white-space: nowrap; }
    td.nowrap { white-space: nowrap; }
    .summary td.claim-cell { min-width: 18rem; color: #33393f; }
    .summary td.exp a { font-weight: 600; }
    .summary td.exp .t { display: block; color: var(--muted); font-size: 0.88rem; }
    tr.row-failed td { background: #fff7f0; }
    tr.row-crashed td { background: #fcf1f5; }
    .badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 0.82rem; font-weight: 600; white-space: nowrap; vertical-align: middle; }
    .badge.ok, .badge.holds { color: var(--ok); background: var(--ok-bg); }
    .badge.failed, .badge.fails { color: var(--fail); background: var(--fail-bg); }
    .badge.crashed { color: var(--crash); background: var(--crash-bg); }
    .badge.notrun { color: var(--skip); background: var(--skip-bg); }
    h2 .badge { margin-left: 8px; font-size: 0.8rem; position: relative; top: -2px; }
    .held { color: var(--ok); font-weight: 600; } .failedn { color: var(--fail); font-weight: 600; } .zero { color: var(--muted); }
    table.errata td { font-size: 0.93rem; } table.errata td code { white-space: normal; }
    .experiment { border-top: 3px solid var(--line); margin-top: 44px; padding-top: 20px; }
    .experiment.status-failed-checks { border-top-color: #e69f00; }
    .experiment.status-crashed { border-top-color: var(--crash); }
    .eyebrow { margin: 0; color: var(--muted); font-size: 0.9rem; }
    .claim { font-size: 1.08rem; margin: 4px 0 6px; max-width: 80ch; }
    .runmeta { color: var(--muted); font-size: 0.92rem; margin: 0; }
    .crash { border-left: 4px solid var(--crash); background: var(--crash-bg); padding: 10px 14px; border-radius: 4px; margin: 14px 0; white-space: pre-wrap; }
    .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); gap: 22px 28px; margin: 18px 0 6px; align-items: start; }
    figure { margin: 0 auto; width: fit-content; max-width: 100%; }
    figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; border: 1px solid #eaeef2; border-radius: 6px; }
    figcaption { color: #3d444d; font-size: 0.93rem; margin: 8px 0 0; padding: 0 4px; width: 0; min-width: 100%; }
    figcaption .files { color: var(--muted); white-space: nowrap; }
    table.checks td.verdict { white-space: nowrap; }
    table.checks tr.fails td { background: #fff4ea; }
    table.checks tr.fails td:first-child { box-shadow: inset 4px 0 0 #d55e00; }
    table.checks tr.notrun td { color: var(--muted); }
    .notes { max-width: 80ch; }
    .erratum { border: 1px solid var(--line); border-left: 4px solid #cc79a7; border-radius: 6px; padding: 10px 16px; margin: 0 0 12px; background: #fffafd; }
    .erratum dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
    .erratum dt { color: var(--muted); font-weight: 600; }
    .erratum dd { margin: 0; }
    .erratum .where { margin: 0 0 6px; font-weight: 600; }
    .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr)); gap: 0 36px; }
    table.params td:first-child { color: var(--muted); width: 45%; }
    table.params td { padding: 5px 10px; }
    ul.files { list-style: none; padding: 0; margin: 0; columns: 2 14rem; }
    ul.files li { padding: 3px 0; break-inside: avoid; }
    .missing { color: var(--muted); text-decoration: line-through; }
    .back { font-size: 0.9rem; }
    footer { max-width: 1320px; margin: 56px auto 40px; padding: 16px 28px 0; color: var(--muted); font-size: 0.9rem; border-top: 1px solid var(--line); }
    @media (max-width: 640px) {
      main, .top { padding: 0 14px; } .top { padding-top: 20px; }
      h1 { font-size: 1.6rem; } th, td { padding: 6px 6px; }
    }
    @media print {
      body { font-size: 10.5pt; }
      main, .top, footer { max-width: none; padding: 0; }
      a { color: inherit; }
      .back { display: none; }
      .experiment { break-before: page; border-top-width: 2px; }
      figure, tr, .erratum, .tally { break-inside: avoid; }
      .table-wrap { overflow: visible; }
      th { background: none; }
    }
    .erratum-count { color: #a0306b; font-weight: 600; text-decoration: none; }
"""
}
