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
    /// Rows x weights up to which `/api/run` answers the weights at each row (null beyond: the answer stays small).
    public var maximumWeightCells: Int

    /// The server's defaults: 5 s, 20,000 rows, 4e9 multiply-adds (a few seconds on one core) and 200,000 weight cells.
    public init(maximumSeconds: Double = 5, maximumRows: Int = 20_000, maximumWork: Double = 4e9, maximumWeightCells: Int = 200_000) {
        self.maximumWeightCells = maximumWeightCells
        self.maximumSeconds = maximumSeconds
        self.maximumRows = maximumRows
        self.maximumWork = maximumWork
    }
}
