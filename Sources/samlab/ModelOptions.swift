import ArgumentParser
import SAMAnalysis
import SAMCore

typealias Defaults = TrainConfiguration.Defaults

extension Parametrization: ExpressibleByArgument {}
extension Loss: ExpressibleByArgument {}
extension Optimizer: ExpressibleByArgument {
    /// `gf` (gradient flow) is another name for `gd`.
    public init?(argument: String) {
        if argument == "gf" { self = .gd } else { self.init(rawValue: argument) }
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) + ["gf"] }
}

/// The data, model and algorithm flags shared by the commands that run dynamics.
///
/// Every flag is optional here so that a value given on the command line can override a configuration loaded with
/// `--config`; the defaults live in `TrainConfiguration.Defaults` and are quoted in the help. Value options parse
/// unconditionally, so that `--lr -0.1` reaches validation ("--lr must be positive") instead of being read as a flag.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("mu"), parsing: .unconditional,
            help: "Single example D_mu = {(mu, +1)}: comma-separated coordinates, e.g. 1,2. (default: \(Defaults.mu.map { "\($0)" }.joined(separator: ",")) when no data flag is given)")
    var mu: String?

    @Option(name: .customLong("data"), parsing: .unconditional,
            help: ArgumentHelp("CSV dataset with header x1,...,xd,y and labels +1/-1.", valueName: "file.csv"))
    var dataFile: String?

    @Option(name: .customLong("gaussian"), parsing: .unconditional,
            help: ArgumentHelp("Seeded Gaussian clusters around +m (label +1) and -m (label -1); non-separable draws are rejected.",
                               valueName: "n=100,mean=1,2,sigma=0.3,seed=7"))
    var gaussian: String?

    @Option(name: .customLong("depth"), parsing: .unconditional,
            help: "Number of layers L (1 = linear model). (default: \(Defaults.depth))")
    var depth: Int?

    @Option(name: .customLong("param"), parsing: .unconditional,
            help: "product: beta = w1*...*wL; signed: beta = u^L - v^L. (default: \(Defaults.parametrization.rawValue))")
    var parametrization: Parametrization?

    @Option(name: .customLong("alpha"), parsing: .unconditional,
            help: "Initial weight of every layer: a scalar, or one value per coordinate (e.g. 1.5,0.5). (default: \(Defaults.alpha[0]))")
    var alpha: String?

    @Option(name: .customLong("layer-init"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Initial weights of one layer, repeated once per layer in order (u then v for --param signed); overrides --alpha.",
                               valueName: "w1,...,wd"))
    var layerInit: [String] = []

    @Option(name: .customLong("loss"), parsing: .unconditional,
            help: "logistic: log(1+e^-z); exponential: e^-z. (default: \(Defaults.loss.rawValue))")
    var loss: Loss?

    @Option(name: .customLong("optimizer"), parsing: .unconditional,
            help: "gd, l2-sam (eps = rho g/||g||), linf-sam (eps = rho sign g) or usam (eps = rho g); for flows gf means gd. (default: \(Defaults.optimizer.rawValue))")
    var optimizer: Optimizer?

    @Option(name: .customLong("rho"), parsing: .unconditional, help: "Perturbation radius rho >= 0. (default: \(Defaults.rho))")
    var rho: Double?

    /// Applies the flags that were given on top of `base`.
    func configuration(base: TrainConfiguration) throws(InvalidInput) -> TrainConfiguration {
        var c = base
        let sources = [mu, dataFile, gaussian].compactMap { $0 }
        guard sources.count <= 1 else { throw InvalidInput("give only one of --mu, --data and --gaussian") }
        if let mu { c.data = .singleExample(mu: try ValueParsing.numbers(mu, flag: "--mu")) }
        if let dataFile { c.data = .csv(path: dataFile, embedded: nil) }
        if let gaussian { c.data = .gaussian(try GaussianClusters(parsing: gaussian)) }
        if let depth { c.depth = depth }
        if let parametrization { c.parametrization = parametrization }
        if let alpha {
            c.alpha = try ValueParsing.numbers(alpha, flag: "--alpha")
            c.layerInit = nil
        }
        if !layerInit.isEmpty {
            c.layerInit = try layerInit.enumerated().map { i, text throws(InvalidInput) in
                try ValueParsing.numbers(text, flag: "--layer-init \(i + 1)")
            }
        }
        if let loss { c.loss = loss }
        if let optimizer { c.optimizer = optimizer }
        if let rho { c.rho = rho }
        return c
    }
}

/// Loading data the way every command does: CSV points are embedded in the configuration when small, Gaussian
/// draws must be separable, and a non-positive mu gets a warning.
enum DataLoading {
    static func load(_ configuration: inout TrainConfiguration) throws(InvalidInput) -> Dataset {
        let dataset = try configuration.data.load()
        switch configuration.data {
        case .singleExample(let mu):
            if let j = mu.firstIndex(where: { $0 <= 0 }) {
                Terminal.warn("--mu has a non-positive entry (mu_\(j + 1) = \(mu[j])); the theory assumes mu > 0")
            }
        case .csv(let path, nil):
            if dataset.count * dataset.dimension <= DataSource.embeddingLimit {
                configuration.data = .csv(path: path, embedded: EmbeddedData(points: dataset.points, labels: dataset.labels))
            }
            if let report = try? Separability.check(points: dataset.points, labels: dataset.labels), !report.separable {
                Terminal.warn("\(path) is not linearly separable through the origin (best margin with ||b||_inf <= 1 is \(report.bestMargin)); the theory assumes separable data")
            }
        case .csv:
            break
        case .gaussian(let spec):
            let report: SeparabilityReport
            do {
                report = try Separability.check(points: dataset.points, labels: dataset.labels)
            } catch {
                throw InvalidInput("--gaussian: could not decide separability (\(error))")
            }
            guard report.separable else {
                throw InvalidInput("--gaussian: the draw with seed \(spec.seed) is not linearly separable through the origin (best margin with ||b||_inf <= 1 is \(report.bestMargin) <= 0); try another seed or a smaller sigma")
            }
        }
        return dataset
    }
}
