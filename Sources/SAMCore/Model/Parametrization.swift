/// How the weights of an L-layer linear diagonal network make the predictor beta (PAPER.md, Setting).
public enum Parametrization: String, Codable, CaseIterable, Sendable {
    /// beta = w^(1) * ... * w^(L) (elementwise): L layers of d weights.
    case product
    /// beta = u^L - v^L: two layers (u, v) of d weights, whatever the depth.
    case signed

    /// How many weight vectors of length d the network has at depth L.
    public func layerCount(depth: Int) -> Int {
        switch self {
        case .product: depth
        case .signed: 2
        }
    }
}
