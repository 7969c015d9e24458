import SAMPlot

/// One entry of the paper's catalog: a declarative description plus the function that runs it.
///
/// `run(quick)` is a pure function of its parameters (every random thing is seeded), so items can run in any
/// order and in parallel. It returns figures (specs with their data), data tables and checked claims.
public struct ReproductionItem: Sendable {
    /// The identifier on the command line and in file names (`fig4`).
    public let id: String
    /// The title in the report.
    public let title: String
    /// The caption in the report: what the item shows and how.
    public let caption: String
    /// Runs the item (`quick`: a smaller version, for tests).
    public let run: @Sendable (_ quick: Bool) throws -> ItemOutput
    /// The work whose result the item reproduces, as a citation ("Bartlett, Long & Bousquet, The dynamics of
    /// sharpness-aware minimization, JMLR 2023"); nil for the paper's own items. The report gives it a line of its own.
    public let source: String?

    /// An item from its description, its source (nil: the paper) and its function.
    public init(id: String, title: String, caption: String, source: String? = nil,
                run: @escaping @Sendable (_ quick: Bool) throws -> ItemOutput) {
        self.id = id
        self.title = title
        self.caption = caption
        self.source = source
        self.run = run
    }
}

/// What an item produces: figures, data tables, checked claims and its parameters.
public struct ItemOutput: Sendable {
    /// Figures by file name (without extension).
    public var figures: [(name: String, figure: Figure)] = []
    /// CSV tables: the data behind the figures.
    public var tables: [(name: String, csv: String)] = []
    /// The claims it checked.
    public var claims: [Claim] = []
    /// Parameters, for the report.
    public var parameters: [String] = []

    /// An empty output.
    public init() {}
}
