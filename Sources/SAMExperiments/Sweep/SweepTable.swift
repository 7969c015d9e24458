import Foundation
import SAMAnalysis
import SAMCore
import SAMPlot

/// A sweep's results as a table: one row per point (sorted by index), axis columns then the kept fields.
public struct SweepTable {
    /// The sweep's spec (from `spec.json`).
    public var spec: SweepSpec
    /// One row per point, by index: the axis values, the seed and the kept result fields.
    public var rows: [(index: Int, axes: [Double], seed: UInt64?, result: [String: Any])]

    /// Reads `spec.json` and `results.jsonl` of `directory` (a point stored twice counts once: its first line). A
    /// damaged line of the store is an error naming it.
    public init(directory: String) throws(InvalidInput) {
        let specPath = (directory as NSString).appendingPathComponent("spec.json")
        let spec = try SweepSpec(json: try InputFile.read(specPath), source: specPath)
        self.spec = spec
        var seen = Set<Int>()
        var rows: [(index: Int, axes: [Double], seed: UInt64?, result: [String: Any])] = []
        _ = try SweepStore.scanObjects((directory as NSString).appendingPathComponent("results.jsonl")) { record, object throws(InvalidInput) in
            guard seen.insert(record.index).inserted else { return }
            let axes = object["axes"] as? [String: Any] ?? [:]
            func value(_ axis: SweepSpec.AxisSpec) -> Double {
                if let n = axes[axis.key] as? NSNumber { return n.doubleValue }
                // A named value: lp-sam's p = "inf", msam's m = "n" (+inf), msam_norm "l2"/"none" (their codes 0, 1).
                guard let text = axes[axis.key] as? String else { return .nan }
                return axis.names.first { $0.name == text }?.value ?? (text == RuleParameter.infinitySpelling ? .infinity : .nan)
            }
            rows.append((record.index, spec.axes.map { value($0) },
                         (object["seed"] as? NSNumber).map { UInt64($0.int64Value) }, object["result"] as? [String: Any] ?? [:]))
        }
        rows.sort { $0.index < $1.index }
        self.rows = rows
    }

    /// The fixed code tables of the string fields, the same for every sweep: `status` codes RunStatus's values,
    /// `regime` codes Regime's, in the order below (a value added to either type later gets the next code).
    public static let categoryTables: [String: [String]] = [
        "status": fixedTable(["completed", "diverged", "collapsed", "interrupted", "blow-up", "converged", "stalled"],
                             RunStatus.allCases.map(\.rawValue)),
        "regime": fixedTable(["collapse", "minor-first", "major-first", "non-monotone", "no-growth", "single-minor", "not-applicable"],
                             Regime.allCases.map(\.rawValue)),
    ]

    static func fixedTable(_ order: [String], _ all: [String]) -> [String] { order + all.filter { !order.contains($0) } }

    /// The categories of a string-valued field, in code order (their codes in NPY and plots): the fixed table of
    /// `status` and `regime` (`categoryTables`), so that codes agree across sweeps; for any other field, its values
    /// sorted. A value outside a fixed table (from a store written by another version) comes after the table. Empty
    /// for a field without strings.
    public func categories(_ field: String) -> [String] {
        var values = Set<String>()
        for row in rows { if let s = row.result[field] as? String { values.insert(s) } }
        guard let table = Self.categoryTables[field] else { return values.sorted() }
        return table + values.subtracting(table).sorted()
    }

    /// A numeric view of a field: numbers as they are, strings as category codes, anything else NaN.
    public func numeric(_ field: String) -> [Double] {
        let codes = Dictionary(uniqueKeysWithValues: categories(field).enumerated().map { ($0.element, Double($0.offset)) })
        return rows.map { row in
            if let n = row.result[field] as? NSNumber { return n.doubleValue }
            if let s = row.result[field] as? String { return codes[s]! }
            return .nan
        }
    }

    /// The table as CSV: index, the axis keys (named values by name), seed (if varied), then the kept fields (lists
    /// as quoted JSON).
    public var csv: String {
        var header = ["index"] + spec.axes.map(\.key)
        if spec.seeds != nil { header.append("seed") }
        header += spec.keep
        var out = header.joined(separator: ",") + "\n"
        for row in rows {
            // A named value by its name (p = inf "inf", m = "n", msam_norm "l2"/"none"; NPY has their numbers).
            var fields = ["\(row.index)"] + zip(spec.axes, row.axes).map { axis, v in axis.names.first { $0.value == v }?.name ?? "\(v)" }
            if spec.seeds != nil { fields.append(row.seed.map(String.init) ?? "") }
            for key in spec.keep {
                let v = row.result[key]
                if let s = v as? String { fields.append(s) } else if let n = v as? NSNumber { fields.append("\(n.doubleValue)") }
                else if let a = v, !(a is NSNull), let data = try? JSONSerialization.data(withJSONObject: a, options: [.sortedKeys]) {
                    fields.append("\"" + String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                } else { fields.append("") }
            }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// NumPy's .npy (format 1.0): a float64 array of shape (points, columns): index, axes, seed, then the scalar kept
    /// fields (strings as category codes, listed in the returned column description; `categoryTables` for status
    /// and regime).
    public func npy() -> (data: Data, columns: [String]) {
        let (data, columns, _) = npyWithCategories()
        return (data, columns)
    }

    /// `npy()` and the code table of each coded column (field name to its categories, in code order).
    public func npyWithCategories() -> (data: Data, columns: [String], categories: [String: [String]]) {
        var tables: [String: [String]] = [:]
        var columns = ["index"] + spec.axes.map(\.key) + (spec.seeds != nil ? ["seed"] : [])
        var matrix = rows.map { [Double($0.index)] + $0.axes + ($0.seed.map { [Double($0)] } ?? (spec.seeds != nil ? [.nan] : [])) }
        for key in spec.keep {
            let first = rows.first?.result[key]
            guard first is NSNumber || first is String || first is NSNull || first == nil else { continue }
            let values = numeric(key)
            let codes = categories(key)
            if first is String || !codes.isEmpty { tables[key] = codes }
            columns.append(codes.isEmpty ? key : "\(key) (\(codes.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: " ")))")
            for i in matrix.indices { matrix[i].append(values[i]) }
        }
        let data = NPYArray(shape: [rows.count, columns.count], values: matrix.flatMap { $0 }).data
        return (data, columns, tables)
    }

    /// Writes results.csv, results.npy, results.npy.columns.txt and results.npy.categories.json (the code table of
    /// each coded column: `{"regime": ["collapse", ...], "status": [...]}`, code = position) into the directory.
    public func export(to directory: String) throws(InvalidInput) {
        try AtomicFile.write(csv, to: (directory as NSString).appendingPathComponent("results.csv"))
        let (data, columns, tables) = npyWithCategories()
        try AtomicFile.write(data, to: (directory as NSString).appendingPathComponent("results.npy"))
        try AtomicFile.write(columns.joined(separator: "\n") + "\n", to: (directory as NSString).appendingPathComponent("results.npy.columns.txt"))
        let json = JSONValue.object(tables.mapValues { .array($0.map(JSONValue.string)) }).canonical + "\n"
        try AtomicFile.write(json, to: (directory as NSString).appendingPathComponent("results.npy.categories.json"))
    }

    /// A phase diagram: `value` over two axes (mean over seeds), with the theory's boundaries when the axes are alpha
    /// and rho: alpha = rho (the l_inf threshold) and, for the l2-SAM flow on D_mu, alpha* and alpha_c (lines through
    /// the origin, since only alpha / rho matters).
    public func phaseDiagram(x: String, y: String, value: String) throws(InvalidInput) -> Figure {
        guard let xi = spec.axes.firstIndex(where: { $0.key == x }) else { throw InvalidInput("x axis '\(x)' is not an axis of the sweep (\(spec.axes.map(\.key)))") }
        guard let yi = spec.axes.firstIndex(where: { $0.key == y }) else { throw InvalidInput("y axis '\(y)' is not an axis of the sweep (\(spec.axes.map(\.key)))") }
        guard spec.keep.contains(value) else { throw InvalidInput("value '\(value)' is not a kept field (\(spec.keep))") }
        let xs = Array(Set(rows.map { $0.axes[xi] })).sorted(), ys = Array(Set(rows.map { $0.axes[yi] })).sorted()
        let values = numeric(value)
        var sums = Array(repeating: Array(repeating: 0.0, count: xs.count), count: ys.count)
        var counts = sums
        for (row, v) in zip(rows, values) where v.isFinite {
            let i = ys.firstIndex(of: row.axes[yi])!, j = xs.firstIndex(of: row.axes[xi])!
            sums[i][j] += v
            counts[i][j] += 1
        }
        let names = categories(value)
        var panel = Panel(title: nil, x: Axis(Self.displayName(x), scale: isLog(xs) ? .log10 : .linear),
                          y: Axis(Self.displayName(y), scale: isLog(ys) ? .log10 : .linear))
        if names.isEmpty {
            let grid = zip(sums, counts).map { zip($0, $1).map { $1 > 0 ? $0 / $1 : .nan } }
            panel.add(HeatMap(values: grid, xCenters: xs, yCenters: ys, colorMap: .viridis, label: Self.displayName(value)))
        } else {
            // A categorical field: the most frequent category over seeds (the lowest code on ties), never a mean.
            var tallies = Array(repeating: Array(repeating: [Int: Int](), count: xs.count), count: ys.count)
            for (row, v) in zip(rows, values) where v.isFinite {
                tallies[ys.firstIndex(of: row.axes[yi])!][xs.firstIndex(of: row.axes[xi])!][Int(v), default: 0] += 1
            }
            let grid = tallies.map { $0.map { t in t.max { ($0.value, -$0.key) < ($1.value, -$1.key) }.map { Double($0.key) } ?? .nan } }
            panel.add(HeatMap(values: grid, xCenters: xs, yCenters: ys, categories: names, label: Self.displayName(value)))
        }
        if Set([x, y]) == ["alpha", "rho"] {
            let slope = { (ratio: Double) -> (Double, Double) in x == "alpha" ? (ratio, 1) : (1, ratio) }
            let identity = slope(1)
            panel.add(ReferenceLine.throughOrigin(dx: identity.0, dy: identity.1, label: "α = ρ"))
            if case .object(let data) = spec.base["data"] ?? .null, case .array(let mu) = data["mu"] ?? .null,
               case .string("l2-sam") = spec.base["optimizer"] ?? .null {
                let m = mu.compactMap { if case .number(let v) = $0 { v } else { nil } }
                let theory = L2Theory(mu: m, rho: 1)
                let star = slope(theory.alphaStar)
                panel.add(ReferenceLine.throughOrigin(dx: star.0, dy: star.1, label: "α*"))
                if let c = try? theory.criticalAlpha(tolerance: 1e-6) {
                    let line = slope(c)
                    panel.add(ReferenceLine.throughOrigin(dx: line.0, dy: line.1, label: "α_c"))
                }
            }
        }
        return Figure(panel, width: 720, height: 520)
    }

    /// Whether sorted axis values want a log axis: positive and spanning more than 50×, or evenly spaced in log
    /// (ratios of neighbours nearly equal) while not evenly spaced linearly (0.01, 0.03, 0.1 or 0.1, 1 and 10).
    func isLog(_ values: [Double]) -> Bool {
        guard values.count >= 2, values.allSatisfy({ $0 > 0 }), values.last! > values.first! else { return false }
        if values.last! / values.first! > 50 { return true }
        guard values.count >= 3 else { return values.last! / values.first! >= 10 }
        let ratios = zip(values.dropFirst(), values).map { log($0 / $1) }
        let steps = zip(values.dropFirst(), values).map { $0 - $1 }
        let ratioSpread = ratios.max()! / ratios.min()!, stepSpread = steps.max()! / steps.min()!
        return ratios.min()! > 0 && ratioSpread < 1.5 && stepSpread > 1.5
    }

    /// How a sweep key or field reads in a figure: Greek letters for the paper's symbols (alpha α, rho ρ, lr η, mu
    /// μ), subscripts for indices (`data.mu` μ, `blowup_norm` as words); anything else as it is.
    public static func displayName(_ key: String) -> String {
        let names = ["alpha": "α", "rho": "ρ", "lr": "step size η", "eta": "η", "depth": "depth L", "data.mu": "μ",
                     "data.sigma": "σ", "data.mean": "mean", "data.n": "n", "time": "time t", "steps": "steps",
                     "final_loss": "final loss", "loss": "loss", "regime": "regime", "status": "status",
                     "blowup_norm": "blow-up norm", "loss_tolerance": "loss tolerance"]
        if let name = names[key] { return name }
        // Other identifiers: underscores as spaces (not subscripts), so `switch_time` reads "switch time".
        return key.replacingOccurrences(of: "_", with: " ")
    }
}
