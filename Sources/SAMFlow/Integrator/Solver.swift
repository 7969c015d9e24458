/// The Runge–Kutta pair of a solve, chosen by name (`samlab flow --solver`, spec key `solver`).
///
/// - `dopri5`: Dormand–Prince 5(4) (`DormandPrince54`), 6 evaluations per step, 4th-order dense output.
/// - `dop853`: Dormand–Prince 8(5,3) (`DormandPrince853`), 12 evaluations per accepted step (11 per rejected
///   one) and 3 more for its 7th-order dense output, on the steps that read it (`Integrator`).
///
/// `automatic(rtol:)` is the default rule: DOP853 when rtol < 1e-10, DOPRI5 otherwise. At equal accuracy an
/// 8th-order pair needs far fewer steps once the tolerance is tight (HNW I, II.10, Fig. 10.3: DOP853 overtakes
/// DOPRI5 near 1e-7 on the Arenstorf orbit); the threshold sits below the flows' default rtol (1e-10) so that
/// runs at the defaults keep the results of the golden files.
public enum Solver: String, Sendable, Equatable, CaseIterable {
    /// Dormand–Prince 5(4).
    case dopri5
    /// Dormand–Prince 8(5,3).
    case dop853

    /// The tolerance below which `automatic(rtol:)` picks DOP853.
    public static let tightTolerance = 1e-10

    /// The default pair for a relative tolerance: DOP853 when rtol < `tightTolerance`, else DOPRI5.
    public static func automatic(rtol: Double) -> Solver { rtol < tightTolerance ? .dop853 : .dopri5 }

    /// The names, for messages: "dopri5, dop853".
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
