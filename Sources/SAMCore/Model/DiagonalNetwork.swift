/// The architecture and the initial weights of an L-layer linear diagonal network.
///
/// Weights are stored layer-major: `weights[l * d + j]` is weight j of layer l (for the signed
/// parametrization, layer 0 is u and layer 1 is v).
public struct DiagonalNetwork: Sendable, Equatable {
    public let depth: Int
    public let parametrization: Parametrization
    public let dimension: Int
    public let initialWeights: [Double]

    public var layerCount: Int { parametrization.layerCount(depth: depth) }

    public init(depth: Int, parametrization: Parametrization, initialization: Initialization,
                dimension d: Int) throws(InvalidInput) {
        guard depth >= 1 else { throw InvalidInput("--depth must be at least 1 (got \(depth))") }
        guard depth <= CoordinateAlgebra.maximumDepth else {
            throw InvalidInput("--depth must be at most \(CoordinateAlgebra.maximumDepth) (got \(depth))")
        }
        let layers = parametrization.layerCount(depth: depth)
        var w = [Double]()
        w.reserveCapacity(layers * d)
        switch initialization {
        case .alpha(let alpha):
            guard alpha.allSatisfy(\.isFinite) else { throw InvalidInput("--alpha has a non-finite entry") }
            let perCoordinate: [Double]
            if alpha.count == 1 {
                perCoordinate = Array(repeating: alpha[0], count: d)
            } else if alpha.count == d {
                perCoordinate = alpha
            } else {
                throw InvalidInput("--alpha has \(alpha.count) entries but the data has d = \(d) (give 1 or \(d))")
            }
            for _ in 0..<layers { w += perCoordinate }
        case .layers(let given):
            let what = parametrization == .signed ? "2 (u then v) for the signed parametrization" : "one per layer (depth \(depth))"
            guard given.count == layers else {
                throw InvalidInput("--layer-init given \(given.count) times, expected \(what)")
            }
            for (l, layer) in given.enumerated() {
                guard layer.allSatisfy(\.isFinite) else { throw InvalidInput("--layer-init \(l + 1) has a non-finite entry") }
                guard layer.count == d else {
                    throw InvalidInput("--layer-init \(l + 1) has \(layer.count) entries but the data has d = \(d)")
                }
                w += layer
            }
        }
        self.depth = depth
        self.parametrization = parametrization
        self.dimension = d
        self.initialWeights = w
    }

    public var algebra: CoordinateAlgebra { CoordinateAlgebra(parametrization: parametrization, depth: depth) }

    /// beta for the given weights (layer-major, as `initialWeights`).
    public func beta(of weights: [Double]) -> [Double] {
        let padded = PaddedLayers(weights: weights, dimension: dimension, layers: layerCount)
        let algebra = self.algebra, blocks = padded.blocks
        var beta = [Double]()
        padded.storage.withUnsafeBufferPointer { w in
            for b in 0..<blocks {
                let value = algebra.beta(algebra.load(w.baseAddress!, block: b, blocks: blocks))
                for lane in 0..<Lanes.scalarCount where Lanes.scalarCount * b + lane < dimension { beta.append(value[lane]) }
            }
        }
        return beta
    }
}

/// Initial weights: the same vector alpha in every layer (a scalar means alpha * 1), or one vector per layer.
public enum Initialization: Sendable, Equatable {
    case alpha([Double])
    case layers([[Double]])
}
