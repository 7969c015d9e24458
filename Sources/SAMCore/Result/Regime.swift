/// The regime of a run on the single example D_mu (THEORY.md §2.2): how its leading coordinate moves.
///
/// This is the one classifier of SAMLab: sweeps (`regime`), `samlab analyze`, `samlab regime` and every catalog item
/// use it, so they cannot disagree on the same run. The theory predicts the first three (`L2Theory.regime`); the
/// others name what a run can show besides them.
public enum Regime: String, Codable, Sendable, CaseIterable {
    /// The run collapsed to beta = 0 (status `collapsed`).
    case collapse
    /// Minor first, major last: more than one coordinate led, starting from a minor one, in order of increasing mu;
    /// the major coordinate (largest mu) leads last, or has not led yet when the run ends (a finite run cannot
    /// show more; the summary's last leader says which).
    case minorFirst = "minor-first"
    /// The major coordinate led throughout (GD-like).
    case majorFirst = "major-first"
    /// The leader moved back to a coordinate of smaller mu at some point (a non-monotone sequence, e.g. just above
    /// alpha_c, where a coordinate that shrank first grows again).
    case nonMonotone = "non-monotone"
    /// No coordinate ever grew (every leader period is 0), and the run did not collapse.
    case noGrowth = "no-growth"
    /// Only one coordinate led and it is not the major one.
    case singleMinor = "single-minor"
    /// The run is not on a single example D_mu with mu > 0, or it diverged, blew up before any leader, or was
    /// interrupted: the regimes do not apply.
    case notApplicable = "not-applicable"

    /// The regime of a run from its status, its leader periods and (for D_mu) mu.
    ///
    /// Periods with no growth (leader 0) are left out of the sequence; ties in mu count as increasing.
    public static func observed(status: RunStatus, leaders: [LeaderPeriod], mu: [Double]?) -> Regime {
        if status == .collapsed { return .collapse }
        guard let mu, !mu.isEmpty, mu.allSatisfy({ $0 > 0 }), status != .interrupted else { return .notApplicable }
        let order = sequence(leaders)
        guard !order.isEmpty else { return status == .diverged ? .notApplicable : .noGrowth }
        let largest = mu.max()!
        let isMajor = { (j: Int) in mu[j - 1] == largest }
        if order.count == 1 { return isMajor(order[0]) ? .majorFirst : .singleMinor }
        let increasing = zip(order, order.dropFirst()).allSatisfy { mu[$0 - 1] <= mu[$1 - 1] }
        guard increasing, !isMajor(order[0]) else { return .nonMonotone }
        return .minorFirst
    }

    /// The coordinates that led, without leader-0 periods and repeats.
    public static func sequence(_ leaders: [LeaderPeriod]) -> [Int] {
        var order: [Int] = []
        for period in leaders where period.coordinate > 0 && order.last != period.coordinate { order.append(period.coordinate) }
        return order
    }
}
