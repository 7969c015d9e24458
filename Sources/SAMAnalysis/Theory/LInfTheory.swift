import Foundation

/// The theory's predictions for l_inf-SAM (and GD) on the single example D_mu, balanced layers, rescaled time s
/// (THEORY.md §4.8-§4.10).
///
/// With a_j the common weight of coordinate j, the rescaled l_inf-SAM flow is da_j/ds = mu_j (a_j - rho)^(L-1) while
/// a_j > 0 (GD: rho = 0). Everything below follows from that scalar ODE.
public enum LInfTheory {
    /// Thm 3.2: the fate of one coordinate.
    public enum Fate: Equatable, Sendable, CustomStringConvertible {
        /// alpha_j > rho: grows without bound (exponentially for L = 2, blow-up at `blowUpTime` for L >= 3).
        case grows(blowUpTime: Double?)
        /// alpha_j = rho: stays at rho (beta_j = rho^L).
        case constant
        /// alpha_j < rho at even L: a_j reaches 0 (at `zeroTime` for L = 2) and stays there (a sliding mode).
        case vanishes(zeroTime: Double?)
        /// alpha_j < rho at odd L >= 3: a_j rises to rho, beta_j -> rho^L, the loss stays positive.
        case approachesRho

        /// The fate in words, with its time when known.
        public var description: String {
            switch self {
            case .grows(let t): t.map { "grows (blow-up at s = \($0))" } ?? "grows"
            case .constant: "constant (beta = rho^L)"
            case .vanishes(let t): t.map { "vanishes (a = 0 at s = \($0))" } ?? "vanishes"
            case .approachesRho: "approaches rho (beta -> rho^L)"
            }
        }
    }

    /// Thm 3.2 for coordinate j at depth L (balanced layers, init alpha_j > 0).
    public static func fate(mu: Double, alpha: Double, rho: Double, depth L: Int) -> Fate {
        if alpha > rho {
            return .grows(blowUpTime: L >= 3 ? blowUpTime(mu: mu, alpha: alpha - rho, depth: L) : nil)
        }
        if alpha == rho { return .constant }
        if L == 2 { return .vanishes(zeroTime: Foundation.log(rho / (rho - alpha)) / mu) }
        if L == 1 { return .grows(blowUpTime: nil) }
        return L % 2 == 0 ? .vanishes(zeroTime: nil) : .approachesRho
    }

    /// da/ds = mu a^(L-1) from a(0) = alpha blows up at s* = 1 / (mu (L - 2) alpha^(L-2)) for L >= 3
    /// (GD: alpha itself; l_inf-SAM: alpha - rho). L = 3: 1 / (mu alpha).
    public static func blowUpTime(mu: Double, alpha: Double, depth L: Int) -> Double? {
        guard L >= 3, alpha > 0 else { return nil }
        return 1 / (mu * Double(L - 2) * Foundation.pow(alpha, Double(L - 2)))
    }

    /// The zero-hitting time at L = 2: a_j = rho + (alpha_j - rho) e^(mu_j s) = 0 at s = ln(rho / (rho - alpha_j)) / mu_j.
    public static func zeroTime(mu: Double, alpha: Double, rho: Double) -> Double? {
        guard alpha < rho, alpha > 0 else { return nil }
        return Foundation.log(rho / (rho - alpha)) / mu
    }

    /// Cor 3.5: the limit direction e_(j*), j* = argmax over {j : alpha_j > rho} of mu_j (alpha_j - rho)^(L-2)
    /// (1-based; 0 when no coordinate has alpha_j > rho, i.e. the limit is 0). GD (rho = 0) gives e_d at L = 2.
    public static func limitCoordinate(mu: [Double], alpha: [Double], rho: Double, depth L: Int) -> Int {
        var best = 0, bestScore = -Double.infinity
        for j in 0..<mu.count where alpha[j] > rho {
            let score = mu[j] * Foundation.pow(alpha[j] - rho, Double(L - 2))
            if score > bestScore { bestScore = score; best = j + 1 }
        }
        return best
    }
}
