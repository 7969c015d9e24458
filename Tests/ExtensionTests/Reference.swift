import Foundation

/// A plain implementation of the definitions for this target's components and a few built-in ones, written
/// independently of the library's kernels: no log space, no lanes, no fused passes.
struct PlainModel {
    enum Kind { case product, tied }
    enum LossKind { case logistic, sigmoid }
    enum RuleKind { case gd, l2(Double), linf(Double), asam(rho: Double, eta: Double) }

    var kind: Kind
    var depth: Int
    var points: [[Double]]
    var labels: [Double]
    var loss: LossKind

    var d: Int { points[0].count }
    var layers: Int { kind == .product ? depth : 1 }

    func beta(_ w: [Double]) -> [Double] {
        (0..<d).map { j in
            switch kind {
            case .product: (0..<depth).reduce(1.0) { $0 * w[$1 * d + j] }
            case .tied: pow(w[j], Double(depth))
            }
        }
    }

    func slope(_ z: Double) -> Double {
        switch loss {
        case .logistic: -1 / (1 + exp(z))
        case .sigmoid: -exp(z) / ((1 + exp(z)) * (1 + exp(z)))
        }
    }

    func gradient(_ w: [Double]) -> [Double] {
        let b = beta(w)
        var g = Array(repeating: 0.0, count: w.count)
        for (x, y) in zip(points, labels) {
            let z = y * zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
            for j in 0..<d {
                for l in 0..<layers {
                    let partial: Double = switch kind {
                    case .product: (0..<depth).filter { $0 != l }.reduce(1.0) { $0 * w[$1 * d + j] }
                    case .tied: Double(depth) * pow(w[j], Double(depth - 1))
                    }
                    g[l * d + j] += slope(z) * y * x[j] * partial / Double(points.count)
                }
            }
        }
        return g
    }

    func epsilon(_ w: [Double], _ g: [Double], _ rule: RuleKind) -> [Double] {
        switch rule {
        case .gd:
            return g.map { _ in 0 }
        case .l2(let rho):
            let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? g.map { rho * $0 / norm } : g.map { _ in 0 }
        case .linf(let rho):
            return g.map { $0 > 0 ? rho : ($0 < 0 ? -rho : 0) }
        case .asam(let rho, let eta):
            let t = w.map { abs($0) + eta }
            let norm = zip(t, g).reduce(0) { $0 + ($1.0 * $1.1) * ($1.0 * $1.1) }.squareRoot()
            return norm > 0 ? zip(t, g).map { rho * $0 * $0 * $1 / norm } : g.map { _ in 0 }
        }
    }

    func step(_ w: [Double], _ rule: RuleKind, eta: Double) -> [Double] {
        let eps = epsilon(w, gradient(w), rule)
        let perturbed = gradient(zip(w, eps).map { $0 + $1 })
        return zip(w, perturbed).map { $0 - eta * $1 }
    }
}

func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let scale = max(b.map(abs).max() ?? 0, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}
