import Foundation
import InductiveTensor

/// The HTML report of a set of experiment runs: one self-contained `index.html` with
/// inline SVG and CSS (no scripts, fonts or anything else fetched from anywhere).
///
/// ```swift
/// let report = Report(title: "Inductive: the notes, checked", entries: entries,
///                     metadata: [Parameter("size", "quick"), Parameter("seed", "0")])
/// try report.write(to: "out")        // out/index.html, linking out/ID/… files
/// ```
///
/// Layout: a summary table (one row per experiment: id, section, claim, checks held and
/// failed, runtime, status) linking to one section per experiment (claim, figures,
/// checks, notes, errata, parameters, files), with every erratum also listed at the top.
public struct Report: Sendable, Equatable {
    public var title: String
    /// A sentence or two under the title.
    public var introduction: String
    /// Facts about the whole run (size, seed, version, date, machine), in order.
    public var metadata: [Parameter]
    /// The experiments, in the order shown.
    public var entries: [ReportEntry]
    /// What the entries are, as the summary's tally and first column name them (plural,
    /// singular), e.g. ("grid points", "grid point") for a sweep.
    public var entryNoun: (plural: String, singular: String) = ("experiments", "experiment")

    public init(title: String, introduction: String = "", metadata: [Parameter] = [], entries: [ReportEntry]) {
        self.title = title
        self.introduction = introduction
        self.metadata = metadata
        self.entries = entries
    }

    public static func == (a: Report, b: Report) -> Bool {
        a.title == b.title && a.introduction == b.introduction && a.metadata == b.metadata && a.entries == b.entries
            && a.entryNoun == b.entryNoun
    }

    /// Writes `index.html` into `directory` (atomically), after the experiments' files:
    /// links to files that are not there are shown struck through instead of linked.
    public func write(to directory: String) throws {
        var existing = Set<String>()
        for entry in entries {
            for link in entry.files where FileManager.default.fileExists(atPath: directory + "/" + link.path) {
                existing.insert(link.path)
            }
        }
        try AtomicFile.write(html(existingFiles: existing), to: directory + "/index.html")
    }

    /// The page. `existingFiles` (paths relative to the page) limits which files are
    /// linked; nil links them all.
    public func html(existingFiles: Set<String>? = nil) -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="Inductive"/>
        <title>\(XML.escape(RichText(title).plain))</title>
        <style>
        \(ReportStyle.css)
        </style>
        </head>
        <body>

        """
        out += header()
        out += "<main>\n"
        out += summary()
        out += errataList()
        for (index, entry) in entries.enumerated() {
            out += section(entry, index: index, existingFiles: existingFiles)
        }
        out += "</main>\n"
        out += "<footer>Made by Inductive. Every figure is drawn from the CSV beside it; each experiment's <code>result.json</code> holds its configuration, series and checks.</footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    // MARK: Parts

    static func text(_ s: String) -> String { RichText(s).html }

    static func anchor(_ entry: ReportEntry) -> String { "exp-" + entry.directoryName }

    static func href(_ path: String) -> String {
        // Paths are made of sanitized names joined by "/", so they need no percent-encoding.
        XML.escape(path)
    }

    static func badge(_ status: ReportEntry.Status) -> String {
        switch status {
        case .ok: "<span class=\"badge ok\">✓ ok</span>"
        case .failedChecks: "<span class=\"badge failed\">✗ failed checks</span>"
        case .crashed: "<span class=\"badge crashed\">! crashed</span>"
        }
    }

    static func statusClass(_ status: ReportEntry.Status) -> String {
        switch status {
        case .ok: "ok"
        case .failedChecks: "failed-checks"
        case .crashed: "crashed"
        }
    }

    private func header() -> String {
        var out = "<header class=\"top\">\n<h1>\(Report.text(title))</h1>\n"
        if !introduction.isEmpty { out += "<p class=\"lede\">\(Report.text(introduction))</p>\n" }
        if !metadata.isEmpty {
            out += "<ul class=\"meta-chips\">"
            for item in metadata { out += "<li><b>\(Report.text(item.key))</b> \(Report.text(item.value))</li>" }
            out += "</ul>\n"
        }
        out += "</header>\n"
        return out
    }

    private func summary() -> String {
        let held = entries.reduce(0) { $0 + $1.checksHeld }
        let failed = entries.reduce(0) { $0 + $1.checksFailed }
        let crashed = entries.filter { $0.status == .crashed }.count
        // Entries without a runtime (NaN, e.g. summaries of many runs) add nothing; none at all shows "–".
        let runtime = entries.contains { $0.runtimeSeconds.isFinite }
            ? entries.reduce(0) { $0 + ($1.runtimeSeconds.isFinite ? $1.runtimeSeconds : 0) } : .nan
        let errata = entries.reduce(0) { $0 + $1.errata.count }
        var out = "<section id=\"summary\">\n<div class=\"tallies\">\n"
        out += "<div class=\"tally\"><span class=\"n\">\(entries.count)</span><span class=\"what\">\(XML.escape(entryNoun.plural))</span></div>\n"
        out += "<div class=\"tally t-ok\"><span class=\"n\">\(held)</span><span class=\"what\">checks hold</span></div>\n"
        out += "<div class=\"tally\(failed > 0 ? " t-fail" : "")\"><span class=\"n\">\(failed)</span><span class=\"what\">checks fail</span></div>\n"
        out += "<div class=\"tally\(crashed > 0 ? " t-crash" : "")\"><span class=\"n\">\(crashed)</span><span class=\"what\">crashed</span></div>\n"
        out += "<div class=\"tally\"><span class=\"n\">\(errata)</span><span class=\"what\">errata in the notes</span></div>\n"
        out += "<div class=\"tally\"><span class=\"n long\">\(XML.escape(NumberFormat.duration(runtime)))</span><span class=\"what\">total runtime</span></div>\n"
        out += "</div>\n"
        out += "<div class=\"table-wrap\"><table class=\"summary\">\n<thead><tr><th>\(XML.escape(entryNoun.singular.prefix(1).uppercased() + entryNoun.singular.dropFirst()))</th><th>Section</th><th>Claim</th><th class=\"num\">Checks</th><th class=\"num\">Runtime</th><th>Status</th></tr></thead>\n<tbody>\n"
        for entry in entries {
            let status = entry.status
            let rowClass = status == .ok ? "" : " class=\"row-\(status == .crashed ? "crashed" : "failed")\""
            let notRun = entry.checks.count - entry.checksHeld - entry.checksFailed
            var checks = "<span class=\"\(entry.checksHeld > 0 ? "held" : "zero")\">\(entry.checksHeld) held</span> · <span class=\"\(entry.checksFailed > 0 ? "failedn" : "zero")\">\(entry.checksFailed) failed</span>"
            if notRun > 0 { checks += "<br/><span class=\"zero\">\(notRun) not run</span>" }
            if !entry.errata.isEmpty {
                // The claim shown is the notes' own: say when the experiment found it wrong as written.
                checks += "<br/><a class=\"erratum-count\" href=\"#\(XML.escape(Report.anchor(entry)))\">\(entry.errata.count) \(entry.errata.count == 1 ? "erratum" : "errata")</a>"
            }
            out += "<tr\(rowClass)><td class=\"exp\"><a href=\"#\(XML.escape(Report.anchor(entry)))\"><code>\(XML.escape(entry.id))</code></a><span class=\"t\">\(Report.text(entry.title))</span></td>"
            out += "<td>\(Report.text(entry.section))</td><td class=\"claim-cell\">\(Report.text(entry.claim))</td>"
            out += "<td class=\"num\">\(checks)</td><td class=\"num\">\(XML.escape(NumberFormat.duration(entry.runtimeSeconds)))</td><td>\(Report.badge(status))</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n</section>\n"
        return out
    }

    private func errataList() -> String {
        let all = entries.flatMap { entry in entry.errata.map { (entry, $0) } }
        guard !all.isEmpty else { return "" }
        var out = "<section id=\"errata\">\n<h3>Errata: where the notes as written do not hold</h3>\n"
        out += "<div class=\"table-wrap\"><table class=\"errata\">\n<thead><tr><th>Experiment</th><th>As written</th><th>Holds</th><th>Evidence</th></tr></thead>\n<tbody>\n"
        for (entry, erratum) in all {
            out += "<tr><td><a href=\"#\(XML.escape(Report.anchor(entry)))\"><code>\(XML.escape(entry.id))</code></a>"
            if !erratum.location.isEmpty { out += "<br/><small>\(Report.text(erratum.location))</small>" }
            out += "</td><td><code>\(Report.text(erratum.asWritten))</code></td><td><code>\(Report.text(erratum.correction))</code></td><td>\(Report.text(erratum.evidence))</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n</section>\n"
        return out
    }

    private func section(_ entry: ReportEntry, index: Int, existingFiles: Set<String>?) -> String {
        let status = entry.status
        var out = "<section class=\"experiment status-\(Report.statusClass(status))\" id=\"\(XML.escape(Report.anchor(entry)))\">\n"
        out += "<p class=\"eyebrow\">\(Report.text(entry.section)) · <code>\(XML.escape(entry.id))</code></p>\n"
        out += "<h2>\(Report.text(entry.title))\(Report.badge(status))</h2>\n"
        out += "<p class=\"claim\">\(Report.text(entry.claim))</p>\n"
        var meta = entry.runtimeSeconds.isNaN ? [] : ["runtime " + NumberFormat.duration(entry.runtimeSeconds)]
        if !entry.size.isEmpty { meta.append(entry.size + " size") }
        if !entry.checks.isEmpty { meta.append("\(entry.checksHeld) of \(entry.checks.count) checks hold") }
        out += "<p class=\"runmeta\">\(meta.map { XML.escape($0) + " · " }.joined())<a class=\"back\" href=\"#summary\">back to the summary ↑</a></p>\n"
        if case .crashed(let message) = entry.outcome {
            out += "<div class=\"crash\"><strong>The run crashed:</strong> \(XML.escape(message))</div>\n"
        }
        if !entry.figures.isEmpty {
            out += "<div class=\"figures\">\n"
            for (j, figure) in entry.figures.enumerated() {
                out += "<figure id=\"\(XML.escape(Report.anchor(entry) + "-" + figure.fileStem))\">\n"
                out += figure.svg(standalone: false, idPrefix: "e\(index)f\(j)")
                var caption = figure.caption.isEmpty ? "" : Report.text(figure.caption) + " "
                let base = entry.directoryName + "/" + figure.fileStem
                caption += "<span class=\"files\">" + link(FileLink(label: "SVG", path: base + ".svg"), existingFiles) + " · "
                    + link(FileLink(label: "data (CSV)", path: base + ".csv"), existingFiles) + "</span>"
                out += "<figcaption>\(caption)</figcaption>\n</figure>\n"
            }
            out += "</div>\n"
        }
        if !entry.checks.isEmpty { out += checksTable(entry.checks) }
        if !entry.notes.isEmpty {
            out += "<div class=\"notes\">" + entry.notes.map { "<p>\(Report.text($0))</p>" }.joined() + "</div>\n"
        }
        if !entry.errata.isEmpty {
            out += "<h3>Errata</h3>\n"
            for erratum in entry.errata {
                out += "<div class=\"erratum\">"
                if !erratum.location.isEmpty { out += "<p class=\"where\">\(Report.text(erratum.location))</p>" }
                out += "<dl><dt>As written</dt><dd><code>\(Report.text(erratum.asWritten))</code></dd>"
                out += "<dt>Holds</dt><dd><code>\(Report.text(erratum.correction))</code></dd>"
                out += "<dt>Evidence</dt><dd>\(Report.text(erratum.evidence))</dd></dl></div>\n"
            }
        }
        out += "<div class=\"columns\">\n"
        if !entry.parameters.isEmpty {
            out += "<div><h3>Parameters" + (entry.size.isEmpty ? "" : " <small>(\(XML.escape(entry.size)))</small>") + "</h3>\n<table class=\"params\"><tbody>\n"
            for p in entry.parameters { out += "<tr><td>\(Report.text(p.key))</td><td class=\"mono\">\(Report.text(p.value))</td></tr>\n" }
            out += "</tbody></table></div>\n"
        }
        out += "<div><h3>Files</h3>\n<ul class=\"files\">\n"
        for file in entry.files { out += "<li>\(link(file, existingFiles))</li>\n" }
        out += "</ul></div>\n</div>\n</section>\n"
        return out
    }

    private func checksTable(_ checks: [CheckRow]) -> String {
        var out = "<h3>Checks</h3>\n<div class=\"table-wrap\"><table class=\"checks\">\n"
        out += "<thead><tr><th>Check</th><th class=\"num\">Measured</th><th></th><th>Prediction</th><th>Tolerance</th><th>Verdict</th></tr></thead>\n<tbody>\n"
        for check in checks {
            let rowClass: String, verdict: String
            switch check.verdict {
            case .holds:
                rowClass = "holds"
                verdict = "<span class=\"badge holds\">✓ holds</span>"
            case .fails:
                rowClass = "fails"
                verdict = "<span class=\"badge fails\">✗ fails</span>"
            case .notRun(let reason):
                rowClass = "notrun"
                verdict = "<span class=\"badge notrun\">not run</span> <small>\(Report.text(reason))</small>"
            }
            let measured = check.verdict == .holds || check.verdict == .fails || check.measured.isFinite
                ? Report.text(NumberFormat.significant(check.measured)) : "–"
            out += "<tr class=\"\(rowClass)\"><td>\(Report.text(check.name))</td><td class=\"num\">\(measured)</td>"
            out += "<td class=\"nowrap\">\(Report.text(check.comparator))</td><td>\(Report.text(check.prediction))</td>"
            out += "<td>\(Report.text(check.tolerance))</td><td class=\"verdict\">\(verdict)</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
        return out
    }

    private func link(_ file: FileLink, _ existing: Set<String>?) -> String {
        if let existing, !existing.contains(file.path) {
            return "<span class=\"missing\" title=\"not written\">\(XML.escape(file.label))</span>"
        }
        return "<a href=\"\(Report.href(file.path))\">\(XML.escape(file.label))</a>"
    }
}
