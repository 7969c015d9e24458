import SAMPlot

/// One entry of the paper's catalog: a declarative description plus the function that runs it.
///
/// `run(quick)` is a pure function of its parameters (every random thing is seeded), so items can run in any
/// order and in parallel. It returns figures (specs with their data), data tables and checked claims.
public struct ReproductionItem: Sendable {
    public let id: String
    public let title: String
    public let caption: String
    public let run: @Sendable (_ quick: Bool) throws -> ItemOutput

    public init(id: String, title: String, caption: String, run: @escaping @Sendable (_ quick: Bool) throws -> ItemOutput) {
        self.id = id
        self.title = title
        self.caption = caption
        self.run = run
    }
}

public struct ItemOutput: Sendable {
    public var figures: [(name: String, figure: Figure)] = []
    /// CSV tables: the data behind the figures.
    public var tables: [(name: String, csv: String)] = []
    public var claims: [Claim] = []
    /// Parameters, for the report.
    public var parameters: [String] = []

    public init() {}
}
