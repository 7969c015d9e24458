/// What one request of the explorer may cost, so that one user cannot wedge the server: a run that would take
/// longer than `maximumSeconds` or record more than `maximumRows` states is refused with HTTP 413 and a message.
///
/// The work of a discrete run is estimated before it starts as steps x examples x parameters x gradient passes per
/// step (two for a SAM rule, one per group and two more for m-sharpness); a run over `maximumWork` is refused at
/// once. Flows cannot be estimated that way (their steps adapt), so they run under a deadline: the integrator is
/// asked to stop at `maximumSeconds`, and a flow stopped there is refused as well, never shown half-done as if it
/// had finished.
public struct ExplorerLimits: Sendable, Equatable {
    /// Wall-clock seconds one run may take.
    public var maximumSeconds: Double
    /// Recorded states (rows of the trajectory) one run may return.
    public var maximumRows: Int
    /// Estimated multiply-adds of a discrete run (steps x n x parameters x passes).
    public var maximumWork: Double

    /// The server's defaults: 5 s, 20,000 rows and 4e9 multiply-adds (a few seconds on one core).
    public init(maximumSeconds: Double = 5, maximumRows: Int = 20_000, maximumWork: Double = 4e9) {
        self.maximumSeconds = maximumSeconds
        self.maximumRows = maximumRows
        self.maximumWork = maximumWork
    }
}
