/// Gives every series without an explicit color index one from the palette.
///
/// Labeled series get an index per label, in order of first appearance across the whole figure, so "l2-SAM" has
/// the same color, dash and marker in every panel of a small-multiples figure and the shared legend is right for
/// all of them. Indices that some series names explicitly are skipped. Unlabeled series take the next index not
/// yet used in their own panel.
struct StyleAssigner {
    private var labelIndex: [String: Int] = [:]
    private var free: [Int]

    init(figure: Figure) {
        var explicit = Set<Int>()
        for panel in figure.panels {
            for layer in panel.layers {
                if let i = Self.explicitIndex(layer) { explicit.insert(i) }
            }
        }
        free = (0..<(64 + explicit.count)).filter { !explicit.contains($0) }
        var next = 0
        for panel in figure.panels {
            for layer in panel.layers where Self.isSeries(layer) && Self.explicitIndex(layer) == nil {
                if let label = layer.label, labelIndex[label] == nil {
                    labelIndex[label] = free[next % free.count]
                    next += 1
                }
            }
        }
    }

    /// Palette index per layer of a panel (series layers only).
    func indices(for panel: Panel) -> [Int: Int] {
        var out: [Int: Int] = [:]
        var used = Set<Int>()
        for (i, layer) in panel.layers.enumerated() where Self.isSeries(layer) {
            if let e = Self.explicitIndex(layer) { out[i] = e } else if let l = layer.label, let k = labelIndex[l] { out[i] = k }
            if let k = out[i] { used.insert(k) }
        }
        for (i, layer) in panel.layers.enumerated() where Self.isSeries(layer) && out[i] == nil {
            let k = free.first { !used.contains($0) } ?? 0
            out[i] = k
            used.insert(k)
        }
        return out
    }

    static func isSeries(_ layer: Layer) -> Bool {
        switch layer {
        case .line, .scatter, .trajectory: return true
        default: return false
        }
    }

    static func explicitIndex(_ layer: Layer) -> Int? {
        switch layer {
        case let .line(s): return s.style.colorIndex
        case let .scatter(s): return s.colorIndex
        case let .trajectory(s): return s.style.colorIndex
        default: return nil
        }
    }
}
