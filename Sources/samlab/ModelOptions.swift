import ArgumentParser
import Foundation
import SAMAnalysis
import SAMCore

/// A registered rule name on the command line (aliases such as `gf` resolve to the rule's own name).
struct RuleName: ExpressibleByArgument {
    let name: String
    init?(argument: String) {
        guard let entry = try? Registry.standard.rule(named: argument) else { return nil }
        name = entry.name
    }
    static var allValueStrings: [String] { Registry.standard.rules.flatMap { [$0.name] + $0.aliases } }
}

/// A registered loss name on the command line.
struct LossName: ExpressibleByArgument {
    let name: String
    init?(argument: String) {
        guard Registry.standard.lossNames.contains(argument) else { return nil }
        name = argument
    }
    static var allValueStrings: [String] { Registry.standard.lossNames }
}

/// A registered model name (`--param`) on the command line.
struct ModelName: ExpressibleByArgument {
    let name: String
    init?(argument: String) {
        guard Registry.standard.modelNames.contains(argument) else { return nil }
        name = argument
    }
    static var allValueStrings: [String] { Registry.standard.modelNames }
}

/// The data, model and rule flags shared by the commands that run dynamics.
///
/// Every flag is optional here so that a value given on the command line can override a configuration loaded with
/// `--config`; the defaults live in the library's spec types and are quoted in the help. Value options parse
/// unconditionally, so that `--lr -0.1` reaches validation ("--lr must be positive") instead of being read as a flag.
struct ModelOptions: ParsableArguments {
    static var ruleHelp: String {
        Registry.standard.rules.map { "\($0.name) (\($0.summary))" }.joined(separator: ", ")
    }

    @Option(name: .customLong("mu"), parsing: .unconditional,
            help: ArgumentHelp("Single example D_mu = {(mu, +1)}: comma-separated coordinates, e.g. 1,2, or a file, @FILE or FILE.npy / FILE.csv / FILE.txt: a .npy float64 vector, or text with one value per line or comma-separated (for long mu: a command line holds about 7,000 numbers). (default: 1.0,2.0 when no data flag is given)",
                               valueName: "mu1,mu2,...|file"))
    var mu: String?

    @Option(name: .customLong("data"), parsing: .unconditional,
            help: ArgumentHelp("CSV dataset with header x1,...,xd,y and labels +1/-1.", valueName: "file.csv"))
    var dataFile: String?

    @Option(name: .customLong("gaussian"), parsing: .unconditional,
            help: ArgumentHelp("Seeded Gaussian clusters around +m (label +1) and -m (label -1); non-separable draws are rejected.",
                               valueName: "n=100,mean=1,2,sigma=0.3,seed=7"))
    var gaussian: String?

    @Option(name: .customLong("depth"), parsing: .unconditional,
            help: "Number of layers L (1 = linear model). (default: \(ModelSpec.Defaults.depth))")
    var depth: Int?

    @Option(name: .customLong("param"), parsing: .unconditional,
            help: ArgumentHelp("The model: \(Registry.standard.models.map { "\($0.name): \($0.summary)" }.joined(separator: "; ")). (default: \(ModelSpec.Defaults.name))",
                               valueName: "param"))
    var parametrization: ModelName?

    @Option(name: .customLong("model"), parsing: .unconditional,
            help: ArgumentHelp("diagonal (the paper's diagonal networks; --param picks the parametrization) or dense (f(x) = W_L...W_1 x with hidden width --width, Gaussian init with standard deviation --alpha from --seed; depth >= 2). (default: diagonal)",
                               valueName: "diagonal|dense"))
    var modelKind: String?

    @Option(name: .customLong("width"), parsing: .unconditional, help: "--model dense: the hidden width H >= 1.")
    var width: Int?

    @Option(name: .customLong("seed"), parsing: .unconditional,
            help: "--model dense: the seed of the Gaussian init. (default: \(ModelSpec.Defaults.seed))")
    var seed: Int?

    @Option(name: .customLong("alpha"), parsing: .unconditional,
            help: "Initial weight of every layer: a scalar, or one value per coordinate (e.g. 1.5,0.5); for --model dense, the standard deviation of the Gaussian init. (default: \(ModelSpec.Defaults.alpha[0]))")
    var alpha: String?

    @Option(name: .customLong("layer-init"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Initial weights of one layer, repeated once per layer in order (u then v for --param signed); overrides --alpha.",
                               valueName: "w1,...,wd"))
    var layerInit: [String] = []

    @Option(name: .customLong("loss"), parsing: .unconditional,
            help: ArgumentHelp("\(Registry.standard.losses.map { "\($0.name): \($0.summary)" }.joined(separator: "; ")). (default: \(RunSpec.Defaults.loss))",
                               valueName: "loss"))
    var loss: LossName?

    @Option(name: .customLong("optimizer"), parsing: .unconditional,
            help: ArgumentHelp("\(ModelOptions.ruleHelp), over all parameters. (default: \(RuleSpec.Defaults.name))", valueName: "optimizer"))
    var optimizer: RuleName?

    @Option(name: .customLong("rho"), parsing: .unconditional, help: "Perturbation radius rho >= 0. (default: \(RuleSpec.Defaults.rho))")
    var rho: Double?

    @OptionGroup var parameters: RuleParameterOptions

    /// Applies the flags that were given on top of `spec`; the keys they set go into `names.fromFlags`.
    func apply(to spec: inout RunSpec, names: inout FlagNames) throws(InvalidInput) {
        let sources = [mu, dataFile, gaussian].compactMap { $0 }
        guard sources.count <= 1 else { throw InvalidInput("give only one of --mu, --data and --gaussian") }
        func set(_ key: String) { names.fromFlags.insert(key) }
        if let mu {
            spec.data = .singleExample(mu: try ValueParsing.numbers(mu, flag: "--mu"))
            set("data.mu"); set("data")
        }
        if let dataFile {
            spec.data = .csv(path: dataFile, embedded: nil)
            set("data")
        }
        if let gaussian {
            spec.data = .gaussian(try names.checking { try GaussianClusters(parsing: gaussian) })
            set("data.gaussian"); set("data")
        }
        if let depth { spec.model.depth = depth; set("depth") }
        if let modelKind {
            switch modelKind {
            case "dense":
                if let parametrization, parametrization.name != DenseNetwork.name {
                    throw InvalidInput("--param \(parametrization.name) is a diagonal parametrization; --model dense has none (give --param only with --model diagonal)")
                }
                spec.model.name = DenseNetwork.name
            case "diagonal":
                if spec.model.name == DenseNetwork.name { spec.model.name = ModelSpec.Defaults.name; spec.model.width = nil; spec.model.seed = nil }
                if parametrization?.name == DenseNetwork.name { throw InvalidInput("--param dense is --model dense, not a diagonal parametrization") }
            default:
                throw InvalidInput("--model must be diagonal or dense (got '\(modelKind)')")
            }
            set("param")
        }
        if let parametrization { spec.model.name = parametrization.name; set("param") }
        if let width { spec.model.width = width; set("width") }
        if let seed {
            guard seed >= 0 else { throw InvalidInput("--seed must be a non-negative integer (got \(seed))") }
            spec.model.seed = UInt64(seed)
            set("seed")
        }
        if let alpha {
            spec.model.alpha = try ValueParsing.numbers(alpha, flag: "--alpha")
            spec.model.layerInit = nil
            set("alpha")
        }
        if !layerInit.isEmpty {
            spec.model.layerInit = try layerInit.enumerated().map { i, text throws(InvalidInput) in
                try ValueParsing.numbers(text, flag: "--layer-init \(i + 1)")
            }
            set("layer_init")
        }
        if let loss { spec.loss = loss.name; set("loss") }
        if let optimizer {
            // A --config's rule parameters belong to its own rule: another --optimizer starts from its defaults.
            if optimizer.name != spec.rule.name { spec.rule.parameters = [:] }
            spec.rule.name = optimizer.name
            set("optimizer")
        }
        if let rho { spec.rule.rho = rho; set("rho") }
        for (key, value) in try parameters.values() {
            spec.rule.parameters[key] = value
            set(key)
        }
    }
}

/// The flags of the registered rules' parameters (`--asam-eta`, `--p`, `--m`, `--msam-norm`, `--gsam-alpha`), shared by `train`, `flow` and `bench dynamics`.
///
/// One flag per parameter, named by its key (`FlagNames.flag`: `asam_eta` is `--asam-eta`): ArgumentParser needs its
/// options declared, so each parameter has a line here and in `given` (a test checks that every parameter of
/// `Registry.standard` has one). Values are numbers, or a name of a value of the parameter: `inf` where it admits
/// infinity (lp-sam's p), `n` for msam's m, `l2`/`none` for `--msam-norm` (a choice: names only).
struct RuleParameterOptions: ParsableArguments {
    @Option(name: .customLong("asam-eta"), parsing: .unconditional, help: ArgumentHelp(RuleParameterOptions.help("asam_eta"), valueName: "eta"))
    var asamEta: String?

    @Option(name: .customLong("p"), parsing: .unconditional, help: ArgumentHelp(RuleParameterOptions.help("p"), valueName: "p"))
    var p: String?

    @Option(name: .customLong("m"), parsing: .unconditional, help: ArgumentHelp(RuleParameterOptions.help("m"), valueName: "m"))
    var m: String?

    @Option(name: .customLong("msam-norm"), parsing: .unconditional, help: ArgumentHelp(RuleParameterOptions.help("msam_norm"), valueName: "l2|none"))
    var msamNorm: String?

    @Option(name: .customLong("gsam-alpha"), parsing: .unconditional, help: ArgumentHelp(RuleParameterOptions.help("gsam_alpha"), valueName: "alpha"))
    var gsamAlpha: String?

    /// The flags that were given, by spec key, as typed.
    var given: [String: String] {
        ["asam_eta": asamEta, "p": p, "m": m, "msam_norm": msamNorm, "gsam_alpha": gsamAlpha].compactMapValues { $0 }
    }

    /// The values of the flags that were given, by spec key, in key order; a value that is not a number (or one of
    /// the parameter's names: `inf`, `n`, `l2`, `none`) is an error naming its flag (the domain is the spec's to check).
    func values() throws(InvalidInput) -> [(key: String, value: Double)] {
        try given.sorted { $0.key < $1.key }.map { key, text throws(InvalidInput) in
            (key, try ValueParsing.parameter(text, of: Self.parameter(key), flag: FlagNames.flag(key)))
        }
    }

    /// The parameter of `Registry.standard` with spec key `key`.
    static func parameter(_ key: String) -> RuleParameter? {
        Registry.standard.rules.lazy.flatMap(\.parameters).first { $0.key == key }
    }

    /// The help of a rule parameter's flag: its rule, its line and its default (by name where it has one).
    static func help(_ key: String) -> String {
        guard let entry = Registry.standard.rules.first(where: { $0.parameters.contains { $0.key == key } }),
              let parameter = entry.parameters.first(where: { $0.key == key }) else { return "" }
        return "--optimizer \(entry.name): \(parameter.summary). (default: \(ValueParsing.text(parameter.defaultValue, of: parameter)))"
    }
}

/// The file flags of `train` and `flow`: where the spec comes from and where the run goes.
struct RunFileOptions: ParsableArguments {
    @Option(name: .customLong("config"), parsing: .unconditional,
            help: ArgumentHelp("Start from the configuration in a summary.json (its 'config') or a bare configuration file; flags given as well override it.", valueName: "file.json"))
    var configFile: String?

    @Option(name: .customLong("out"), parsing: .unconditional,
            help: ArgumentHelp("Directory for trajectory.csv and summary.json (created if missing; written whole or not at all). A directory that already holds a run is refused unless --force is given.", valueName: "dir"))
    var out: String?

    @Flag(name: .customLong("json"), help: "Print the summary as JSON on stdout and nothing else.")
    var json = false

    @Flag(name: .customLong("force"), help: "Replace the run that --out already holds.")
    var force = false

    /// Refuses an `--out` that already holds a run unless `--force` (or, for a resumable command, `--resume`) says
    /// what to do with it, and one that could not be written at all (not a directory, other files, read-only),
    /// before anything runs. Nothing is created.
    func checkOut(resumable: Bool, resume: Bool = false) throws(InvalidInput) {
        guard let out else { return }
        let present = try RunFolder.existingRunFiles(in: out)
        guard !present.isEmpty, !force, !resume else { return }
        let how = resumable && present.contains(RunFolder.checkpointName)
            ? "pass --resume to continue it or --force to replace it" : "pass --force to replace it"
        throw InvalidInput("--out \(out) already holds a run (\(present.joined(separator: ", "))); \(how)")
    }

    /// The spec of `--config` (or the defaults of a run of `clock`), the model flags over it, then the command's own
    /// flags (`apply`) and `--record`: validated, with its data loaded and checked (warnings printed). Long phases
    /// (a large file) show a line on a terminal unless `quiet`.
    func prepare(clock: Clock, model: ModelOptions, record: String?, quiet: Bool = false,
                 apply: (inout RunSpec, inout FlagNames) throws -> Void) throws -> (PreparedRun, FlagNames) {
        var names = FlagNames(configFile: configFile)
        var spec = try Phase.run("reading \(configFile ?? "--config")", quiet: quiet) { try ConfigFile.load(configFile, clock: clock) }
        try model.apply(to: &spec, names: &names)
        try apply(&spec, &names)
        if let record {
            spec.record = try names.checking { try RecordingSchedule(parsing: record, clock: clock) }
            names.fromFlags.insert("record")
        }
        try names.checking { try spec.validate() }
        let what = switch spec.data {
        case .csv(let path, nil): "reading and checking \(path)"
        case .gaussian: "drawing the data and checking that it is separable"
        default: "checking the data"
        }
        return (try Phase.run(what, quiet: quiet) { try DataLoading.prepare(spec, names: names) }, names)
    }
}

/// Reading `--config`: a summary.json (its `config`) or a bare specification, strictly.
enum ConfigFile {
    static func load(_ path: String?, clock: Clock) throws(InvalidInput) -> RunSpec {
        guard let path else { return RunSpec(dynamics: .standard(clock)) }
        let data = try InputFile.read(path)
        // File names inside it (data.mu_file) are read against its folder.
        let folder = (path as NSString).deletingLastPathComponent
        do { return try RunSpec(jsonData: data, clock: clock, baseDirectory: folder.isEmpty ? nil : folder) } catch {
            throw InvalidInput("\(path): \(error)")
        }
    }
}

/// Prepares a spec's data as every command does (`PreparedRun`), printing its warnings with flag names.
enum DataLoading {
    static func prepare(_ spec: RunSpec, names: FlagNames, quiet: Bool = false) throws(InvalidInput) -> PreparedRun {
        let prepared = try names.checking { try PreparedRun(spec) }
        for warning in prepared.warnings { Terminal.warn(warning.rendered(names.name)) }
        return prepared
    }
}
