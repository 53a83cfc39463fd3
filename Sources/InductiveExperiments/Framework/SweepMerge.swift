import Foundation
import InductiveReport
import InductiveTensor

/// Statistics of one quantity over the seeds of a grid point.
public struct SeedStatistics: Sendable, Equatable {
    /// Seeds with a value (finite or not).
    public var count: Int
    /// Seeds whose value is finite (the statistics below use only these).
    public var finite: Int
    public var mean: Double
    /// Sample standard deviation / sqrt(finite); NaN for fewer than two values.
    public var standardError: Double
    public var minimum: Double
    public var q25: Double
    public var median: Double
    public var q75: Double
    public var maximum: Double

    public init(_ values: [Double]) {
        let finiteValues = values.filter(\.isFinite)
        count = values.count
        finite = finiteValues.count
        guard !finiteValues.isEmpty else {
            (mean, standardError, minimum, q25, median, q75, maximum) = (.nan, .nan, .nan, .nan, .nan, .nan, .nan)
            return
        }
        (mean, standardError) = Statistics.meanAndStandardError(finiteValues)
        let sorted = finiteValues.sorted()
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        q25 = SeedStatistics.quantile(sorted, 0.25)
        median = SeedStatistics.quantile(sorted, 0.5)
        q75 = SeedStatistics.quantile(sorted, 0.75)
    }

    /// The quantile of sorted values by linear interpolation between order statistics
    /// (NumPy's default).
    public static func quantile(_ sorted: [Double], _ f: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of nothing")
        let position = f * Double(sorted.count - 1)
        let i = Int(position), fraction = position - Double(i)
        return i + 1 < sorted.count ? sorted[i] + fraction * (sorted[i + 1] - sorted[i]) : sorted[i]
    }

    var json: [(key: String, value: JSONValue)] {
        [("seeds", .int(count)), ("finite", .int(finite)), ("mean", .number(mean)), ("standard_error", .number(standardError)),
         ("min", .number(minimum)), ("q25", .number(q25)), ("median", .number(median)), ("q75", .number(q75)), ("max", .number(maximum))]
    }

    var csv: [String] {
        [String(count), String(finite)] + [mean, standardError, minimum, q25, median, q75, maximum].map(SweepCSV.number)
    }
}

/// The summary of a merged sweep: per grid point, statistics over seeds of every check and
/// every recorded number, and the report page (error bars: ± one standard error).
///
/// Everything is computed from the point records in the sweep's fixed order, so the files
/// are the same bytes whichever shards, processes or machines produced the points.
public struct SweepSummary: Sendable {
    /// One quantity of one grid point.
    public struct Quantity: Sendable {
        /// `check` or `value`.
        public var kind: String
        /// The check id or the recorded number's name.
        public var name: String
        public var statistics: SeedStatistics
        /// For checks: seeds where it holds, fails, or did not run.
        public var holds = 0, fails = 0, notRun = 0
        /// Mean prediction (closeness checks), NaN otherwise.
        public var predicted = Double.nan
        /// Why the check did not run (first seed's reason).
        public var reason: String?
    }

    /// A recorded list of numbers averaged element by element over the seeds that recorded
    /// it with the same length as the first seed that recorded it.
    public struct Curve: Sendable {
        public var name: String
        public var mean: [Double]
        public var standardError: [Double]
        /// The seeds averaged (fewer than the grid point's when some crashed or differ in length).
        public var seeds: Int
    }

    /// One grid point's summary.
    public struct GridPoint: Sendable {
        public var settings: [Parameter]
        public var seeds: [String]
        public var quantities: [Quantity]
        public var curves: [Curve]
        public var label: String { settings.isEmpty ? "all seeds" : SweepPoint.gridLabel(settings) }
    }

    public let plan: SweepPlan
    public let gridPoints: [GridPoint]
    /// The BLAS configuration every point ran with.
    public let blas: String
    /// Points with no result (only when the merge allows missing points).
    public let missing: [SweepPoint]
    let records: [[SweepPointRecord]]

    /// Summarizes `records` (the result of each point present, keyed by position).
    public init(plan: SweepPlan, records: [Int: SweepPointRecord]) {
        self.plan = plan
        var grouped: [[SweepPointRecord]] = []
        var missing: [SweepPoint] = []
        for g in plan.gridPoints.indices {
            var group: [SweepPointRecord] = []
            for s in 0..<plan.seedCount {
                let position = g * plan.seedCount + s
                if let record = records[position] { group.append(record) } else { missing.append(plan.point(at: position)) }
            }
            grouped.append(group)
        }
        self.records = grouped
        self.missing = missing
        blas = records.values.first?.blas ?? SweepPointRecord.blasSettings
        gridPoints = zip(plan.gridPoints, grouped).map { SweepSummary.summarize(settings: $0, records: $1, plan: plan) }
    }

    static func summarize(settings: [Parameter], records: [SweepPointRecord], plan: SweepPlan) -> GridPoint {
        var quantities: [Quantity] = []
        for spec in plan.experiment.checks {
            let outcomes = records.compactMap { $0.checks.first { $0.id == spec.id } }
            var q = Quantity(kind: "check", name: spec.id, statistics: SeedStatistics(outcomes.compactMap(\.measured)))
            q.holds = outcomes.filter { $0.verdict == "holds" }.count
            q.fails = outcomes.filter { $0.verdict == "fails" }.count
            q.notRun = outcomes.filter { $0.verdict == "not run" }.count
            let predictions = outcomes.compactMap(\.predicted)
            if !predictions.isEmpty { q.predicted = predictions.reduce(0, +) / Double(predictions.count) }
            q.reason = outcomes.first { $0.reason != nil }?.reason
            quantities.append(q)
        }
        var names: [String] = []
        for record in records { for s in record.scalars where !names.contains(s.name) { names.append(s.name) } }
        for name in names {
            let values = records.compactMap { $0.scalars.first { $0.name == name }?.value }
            quantities.append(Quantity(kind: "value", name: name, statistics: SeedStatistics(values)))
        }
        var curves: [Curve] = []
        var arrayNames: [String] = []
        for record in records { for a in record.arrays where !arrayNames.contains(a.name) { arrayNames.append(a.name) } }
        for name in arrayNames {
            // The seeds that recorded the list with the first one's length (a crashed seed records nothing).
            let found = records.compactMap { $0.arrays.first { $0.name == name }?.values }
            guard let length = found.first?.count else { continue }
            let arrays = found.filter { $0.count == length }
            let stats = (0..<length).map { i in SeedStatistics(arrays.map { $0[i] }) }
            curves.append(Curve(name: name, mean: stats.map(\.mean), standardError: stats.map(\.standardError), seeds: arrays.count))
        }
        return GridPoint(settings: settings, seeds: records.map(\.seed), quantities: quantities, curves: curves)
    }

    // MARK: Files

    /// `summary.csv`: one row per grid point and quantity.
    public var csv: String {
        let keys = plan.axes.map(\.key)
        var out = (keys + ["kind", "quantity", "seeds", "finite", "mean", "standard_error", "min", "q25", "median", "q75", "max",
                           "holds", "fails", "not_run"]).map(SweepCSV.field).joined(separator: ",") + "\n"
        for g in gridPoints {
            for q in g.quantities {
                let counts = q.kind == "check" ? [String(q.holds), String(q.fails), String(q.notRun)] : ["", "", ""]
                out += (g.settings.map(\.value) + [q.kind, q.name] + q.statistics.csv + counts).map(SweepCSV.field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// `summary.json`: the sweep, then per grid point its quantities and curves.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("experiment", .string(plan.experiment.id)), ("title", .string(plan.experiment.title)),
            ("size", .string(plan.quick ? "quick" : "full")),
            ("grid", .array(plan.axes.map { .object([("key", .string($0.key)), ("values", .array($0.values.map { .string($0) }))]) })),
            ("seeds", .string(plan.seedsText)), ("points", .int(plan.pointCount)),
            ("inductive", .string(InductiveVersion.string)), ("blas", .string(blas)),
        ]
        if !missing.isEmpty { members.append(("missing", .array(missing.map { .string($0.label) }))) }
        members.append(("grid_points", .array(gridPoints.map(gridJSON))))
        return .object(members)
    }

    /// One grid point's part of `summary.json`.
    public func gridJSON(_ g: GridPoint) -> JSONValue {
        .object([
            ("settings", .object(g.settings.map { (key: $0.key, value: .string($0.value)) })),
            ("seeds", .array(g.seeds.map { .string($0) })),
            ("quantities", .array(g.quantities.map { q in
                var m: [(key: String, value: JSONValue)] = [("kind", .string(q.kind)), ("name", .string(q.name))] + q.statistics.json
                if q.kind == "check" {
                    m += [("holds", .int(q.holds)), ("fails", .int(q.fails)), ("not_run", .int(q.notRun))]
                    if q.predicted.isFinite { m.append(("mean_prediction", .number(q.predicted))) }
                }
                return .object(m)
            })),
            ("curves", .array(g.curves.map { c in
                .object([("name", .string(c.name)), ("seeds", .int(c.seeds)), ("mean", .numbers(c.mean)), ("standard_error", .numbers(c.standardError))])
            })),
        ])
    }

    // MARK: Report

    /// The report: an overview entry (the experiment's curves and each check against the
    /// grid, mean ± standard error over seeds), then one entry per grid point with its checks.
    public var report: Report {
        let e = plan.experiment
        let seeds = "\(plan.seedCount) seed\(plan.seedCount == 1 ? "" : "s") (\(plan.seedsText))"
        var intro = "Each point runs as `inductive run \(e.id)\(plan.quick ? " --quick" : "") --seed S"
            + (plan.axes.isEmpty ? "" : " --set key=value") + "` would. Numbers are means over \(seeds) at each grid point; "
            + "error bars show ± one standard error of the mean (sample standard deviation / √seeds). "
            + "A check counts as holding at a grid point when it holds for every seed."
        if !missing.isEmpty { intro += " \(missing.count) of \(plan.pointCount) points are missing and left out." }
        var metadata = [Parameter("experiment", e.id), Parameter("size", plan.quick ? "quick" : "full")]
        if !plan.axes.isEmpty { metadata.append(Parameter("grid", plan.gridText)) }
        metadata += [Parameter("sweep seeds", plan.seedsText), Parameter("points", String(plan.pointCount)),
                     Parameter("inductive", InductiveVersion.string), Parameter("BLAS", blas)]
        var entries = [overviewEntry] + gridPoints.enumerated().map { gridEntry($0.element, index: $0.offset) }
        // Text values that differ only in characters a file name cannot hold would share a folder: number them.
        if Set(entries.map(\.directoryName)).count < entries.count {
            for i in entries.indices.dropFirst() { entries[i].id += " #\(i)" }
        }
        var report = Report(title: "Sweep: \(e.title)", introduction: intro, metadata: metadata, entries: entries)
        report.entryNoun = ("overview + grid points", "overview or grid point")
        return report
    }

    var overviewEntry: ReportEntry {
        let e = plan.experiment
        var notes = ["The summary over seeds of every check and recorded number is in summary.csv and summary.json (mean, standard error, quartiles, minimum and maximum); wall-clock times are in timings.csv."]
        if plan.seedCount < 2 { notes.append("One seed per grid point: no standard error (no error bars).") }
        let plots = averagedPlots
        notes += plots.notes
        for g in gridPoints {
            for c in g.curves where c.seeds < g.seeds.count {
                notes.append("Recorded list '\(c.name)', \(g.label): mean of \(c.seeds) of \(g.seeds.count) seeds (the others did not record it or recorded another length).")
            }
        }
        return ReportEntry(id: e.id + " sweep", section: e.section.description, title: e.title + ": over the grid and seeds",
                           claim: e.claim, runtimeSeconds: .nan, checks: [],
                           parameters: plan.axes.map { Parameter($0.key, $0.values.joined(separator: " · ")) } + [Parameter("sweep seeds (--seeds)", plan.seedsText)],
                           size: plan.quick ? "quick" : "full", figures: plots.figures + checkFigures, notes: notes)
    }

    func gridEntry(_ g: GridPoint, index: Int) -> ReportEntry {
        let e = plan.experiment
        var rows: [CheckRow] = []
        for q in g.quantities where q.kind == "check" {
            guard let spec = e.checks.first(where: { $0.id == q.name }) else { continue }
            let ran = q.holds + q.fails
            let verdict: CheckRow.Verdict = ran == 0 ? .notRun(q.reason ?? "not run") : (q.fails == 0 ? .holds : .fails)
            var name = spec.name
            if ran > 0 {
                let se = q.statistics.standardError.isFinite ? " ± " + NumberFormat.significant(q.statistics.standardError) : ""
                name += " — mean of \(q.statistics.finite) seeds\(se); holds for \(q.holds) of \(ran)"
            }
            rows.append(spec.rule(quick: plan.quick).row(name: name, measured: ran == 0 ? .nan : q.statistics.mean,
                                                          predicted: q.predicted.isFinite ? q.predicted : nil, verdict: verdict))
        }
        var notes: [String] = []
        let crashed = records[index].filter { $0.status == "crashed" }
        if !crashed.isEmpty {
            notes.append("\(crashed.count) seed(s) crashed: " + crashed.map { "seed \($0.seed): \($0.crash ?? "")" }.joined(separator: "; "))
        }
        let shown = g.quantities.filter { $0.kind == "value" }.prefix(12)
        for q in shown {
            let s = q.statistics
            notes.append("\(q.name): mean \(NumberFormat.significant(s.mean))"
                         + (s.standardError.isFinite ? " ± \(NumberFormat.significant(s.standardError))" : "")
                         + ", median \(NumberFormat.significant(s.median)) over \(s.finite) of \(s.count) seeds.")
        }
        let more = g.quantities.filter { $0.kind == "value" }.count - shown.count
        if more > 0 { notes.append("\(more) more recorded numbers in summary.csv.") }
        return ReportEntry(id: e.id + " " + (g.settings.isEmpty ? "all-seeds" : g.label), section: e.section.description,
                           title: g.settings.isEmpty ? "All seeds" : g.settings.map { "\($0.key) = \($0.value)" }.joined(separator: ", "),
                           claim: "Seeds \(g.seeds.first ?? "")–\(g.seeds.last ?? "") (\(g.seeds.count) of \(plan.seedCount)).",
                           runtimeSeconds: .nan, outcome: .completed, checks: rows,
                           parameters: g.settings + [Parameter("sweep seeds (--seeds)", plan.seedsText)], size: plan.quick ? "quick" : "full", notes: notes)
    }

    /// The experiment's plots averaged over seeds: one series per grid point and original
    /// series, mean ± standard error over the seeds that drew the series at the same x values
    /// as the grid point's first seed that drew it (x may differ between grid points, e.g. a
    /// grid over the widths plotted). Seeds left out (crashed, or x differing between seeds)
    /// are named in the legend and listed by `droppedCurves`.
    var averagedFigures: [Figure] { averagedPlots.figures }

    /// Notes on the curves averaged over fewer than all seeds of their grid point, or not drawn.
    public var droppedCurves: [String] { averagedPlots.notes }

    var averagedPlots: (figures: [Figure], notes: [String]) {
        // Figure ids and series names in the order they first appear across all records.
        var templates: [(figure: Figure, plot: Plot, names: [String])] = []
        for group in records {
            for record in group {
                for figure in record.figures {
                    guard case .plot(let plot) = figure.chart else { continue }
                    if let t = templates.firstIndex(where: { $0.figure.id == figure.id }) {
                        for s in plot.series where !templates[t].names.contains(s.name) { templates[t].names.append(s.name) }
                    } else {
                        templates.append((figure, plot, plot.series.map(\.name)))
                    }
                }
            }
        }
        func series(_ record: SweepPointRecord, figure id: String, name: String) -> Series? {
            guard let figure = record.figures.first(where: { $0.id == id }), case .plot(let p) = figure.chart else { return nil }
            return p.series.first { $0.name == name }
        }
        var figures: [Figure] = [], notes: [String] = []
        for template in templates {
            var drawn: [Series] = []
            for (g, group) in records.enumerated() where !group.isEmpty {
                for (k, name) in template.names.enumerated() {
                    let found = group.map { series($0, figure: template.figure.id, name: name) }
                    guard let reference = found.compactMap({ $0 }).first else { continue }
                    let ys = found.compactMap { s -> [Double]? in s.flatMap { $0.x.elementsEqual(reference.x) ? $0.y : nil } }
                    var label = gridPoints[g].settings.isEmpty ? name : "\(name), \(gridPoints[g].label)"
                    if ys.count < group.count {
                        let without = found.filter { $0 == nil }.count, otherX = group.count - ys.count - without
                        var why: [String] = []
                        if without > 0 { why.append("\(without) without the series (crashed or not drawn)") }
                        if otherX > 0 { why.append("\(otherX) at other x values") }
                        notes.append("'\(template.figure.title)', \(label): mean of \(ys.count) of \(group.count) seeds; left out: "
                                     + why.joined(separator: ", ") + ".")
                        label += " (\(ys.count) of \(group.count) seeds)"
                    }
                    let stats = reference.x.indices.map { i in SeedStatistics(ys.map { $0[i] }) }
                    drawn.append(Series(label, x: reference.x, y: stats.map(\.mean), style: .lineAndMarkers,
                                        dash: [.solid, .dashed, .dotted][k % 3], color: Palette.color(at: g),
                                        errors: stats.map(\.standardError)))
                }
            }
            guard !drawn.isEmpty else { continue }
            let plot = template.plot
            figures.append(Figure(
                id: "mean-" + template.figure.id, title: template.figure.title + " (mean over seeds)",
                caption: "Mean over \(plan.seedCount) seeds at each grid point (colour: grid point; line style: series); error bars: ± one standard error of the mean. The experiment's own figure for one seed is drawn the same way without averaging.",
                chart: .plot(Plot(x: plot.xAxis, y: plot.yAxis, series: drawn, referenceLines: plot.referenceLines, legend: .below)),
                size: Size(width: 760, height: 520)))
        }
        return (figures, notes)
    }

    /// Each check's mean ± standard error against the first numeric grid key (one line per
    /// combination of the other keys), or as bars per grid point when no key is numeric.
    var checkFigures: [Figure] {
        let numericAxis = plan.axes.firstIndex { axis in axis.values.count >= 2 && axis.values.allSatisfy { Double($0) != nil } }
        var figures: [Figure] = []
        for spec in plan.experiment.checks {
            let stats = gridPoints.map { g in g.quantities.first { $0.kind == "check" && $0.name == spec.id }?.statistics }
            guard stats.contains(where: { ($0?.finite ?? 0) > 0 }) else { continue }
            let rule = spec.rule(quick: plan.quick)
            var lines: [ReferenceLine] = []
            switch rule {
            case .lessThan(let b), .greaterThan(let b), .atLeast(let b): lines.append(.horizontal(b, label: "threshold \(NumberFormat.significant(b))"))
            case .within(let lo, let hi):
                lines.append(.horizontal(lo, label: "allowed range [\(NumberFormat.significant(lo)), \(NumberFormat.significant(hi))]"))
                lines.append(.horizontal(hi, label: ""))
            default: break
            }
            let caption = "The check's measured value, mean over seeds at each grid point; error bars: ± one standard error of the mean; dashed: the check's bound."
            // A log axis when the means and the bound span more than a factor of 20 (a ratio far below its threshold).
            var spanned = stats.compactMap { $0?.mean }.filter(\.isFinite)
            for line in lines { if case .horizontal(let v) = line.shape { spanned.append(v) } }
            let logY = !spanned.isEmpty && spanned.allSatisfy { $0 > 0 } && spanned.max()! / spanned.min()! > 20
            let yAxis = Axis("mean over seeds", scale: logY ? .log : .linear)
            if let a = numericAxis {
                let axis = plan.axes[a]
                var groups: [String: [(x: Double, s: SeedStatistics)]] = [:], order: [String] = []
                for (g, s) in zip(gridPoints, stats) {
                    guard let s, let x = Double(g.settings[a].value) else { continue }
                    let rest = g.settings.enumerated().filter { $0.offset != a }.map { "\($0.element.key)=\($0.element.value)" }.joined(separator: " ")
                    if groups[rest] == nil { order.append(rest) }
                    groups[rest, default: []].append((x, s))
                }
                let xs = axis.values.compactMap(Double.init)
                let logX = xs.allSatisfy { $0 > 0 } && (xs.max()! / xs.min()! >= 20)
                let series = order.enumerated().map { i, key -> Series in
                    let points = groups[key]!
                    return Series(key.isEmpty ? "mean over seeds" : key, x: points.map(\.x), y: points.map(\.s.mean),
                                  style: .lineAndMarkers, color: Palette.color(at: i), errors: points.map(\.s.standardError))
                }
                figures.append(Figure(id: "check-" + spec.id, title: spec.name, caption: caption,
                                      chart: .plot(Plot(x: Axis(axis.key, scale: logX ? .log : .linear), y: yAxis, series: series, referenceLines: lines))))
            } else {
                let values = stats.map { $0?.mean ?? .nan }, errors = stats.map { $0?.standardError ?? .nan }
                figures.append(Figure(id: "check-" + spec.id, title: spec.name, caption: caption,
                                      chart: .bars(BarChart(categories: gridPoints.map(\.label),
                                                            series: [BarSeries("mean over seeds", values: values, errors: errors)],
                                                            valueAxis: Axis("mean over seeds"), referenceLines: lines))))
            }
        }
        return figures
    }
}

/// Collects the points of a sweep from one or more shard folders.
public enum SweepMerge {
    /// The plan and the record of every point found (keyed by position), after checking that
    /// the folders hold the same sweep, every file is a point of it, duplicates agree byte
    /// for byte, and every point ran with the same BLAS configuration; also the rows of the
    /// shards' timings files, each followed by the file it came from.
    public static func collect(_ directories: [String], experiments: [any Experiment] = ExperimentRegistry.all)
        throws -> (plan: SweepPlan, records: [Int: SweepPointRecord], timings: [String]) {
        precondition(!directories.isEmpty, "collect needs a folder")
        var manifest: (data: Data, path: String)?
        for directory in directories {
            let path = SweepDirectory(directory).manifestPath
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SweepError("\(directory) holds no sweep (no sweep.json)")
            }
            if let first = manifest, first.data != data {
                throw SweepError("\(directory) holds another sweep than \(URL(fileURLWithPath: first.path).deletingLastPathComponent().path): "
                                 + SweepDirectory.difference(first.data, data))
            }
            manifest = manifest ?? (data, path)
        }
        let plan = try SweepPlan.fromManifest(manifest!.data, path: manifest!.path, experiments: experiments)
        var byName: [String: SweepPoint] = [:]
        for point in plan.points { byName[point.fileName] = point }
        var records: [Int: SweepPointRecord] = [:], bytes: [Int: (data: Data, path: String)] = [:]
        var timings: [String] = []
        for directory in directories {
            let folder = SweepDirectory(directory)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.pointsPath)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            for name in names {
                let path = folder.pointsPath + "/" + name
                guard let point = byName[name] else { throw SweepError("\(path) is not a point of this sweep") }
                guard let data = FileManager.default.contents(atPath: path) else { throw SweepError("\(path) cannot be read") }
                let record: SweepPointRecord
                do { record = try SweepPointRecord.decode(data) } catch {
                    throw SweepError("\(path) is not a sweep point: \(String(describing: error).split(separator: "\n").first ?? "")")
                }
                guard record.matches(plan, point) else { throw SweepError("\(path) holds another point or experiment version than its name says") }
                if let other = bytes[point.position] {
                    if other.data != data { throw SweepError("point \(point.label) has different results in \(other.path) and \(path)") }
                    continue
                }
                if let first = records.values.first, first.blas != record.blas {
                    throw SweepError("points ran with different BLAS settings ('\(first.blas)' and '\(record.blas)' in \(path)): "
                                     + "run every shard with the same OPENBLAS_NUM_THREADS and OPENBLAS_CORETYPE; "
                                     + "a rerun of a shard with the first setting replaces the points of another setting")
                }
                records[point.position] = record
                bytes[point.position] = (data, path)
            }
            let timingFiles = ((try? FileManager.default.contentsOfDirectory(atPath: folder.timingsPath)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            for name in timingFiles {
                guard let text = FileManager.default.contents(atPath: folder.timingsPath + "/" + name) else { continue }
                for line in String(decoding: text, as: UTF8.self).split(separator: "\n").dropFirst() {
                    timings.append(line + "," + SweepCSV.field(directory + "/timings/" + name))
                }
            }
        }
        return (plan, records, timings)
    }
}
