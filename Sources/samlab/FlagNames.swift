import SAMAnalysis
import SAMCore

/// The command line's names for the library's spec fields: the CLI is where `lr` becomes `--lr`.
///
/// Errors and warnings from the library name spec fields; the tool prints them with the flag a user would type.
/// A value that came from a `--config` file (and not from a flag) is named as `FILE: key` instead.
struct FlagNames {
    /// The config file the spec was read from, if any.
    var configFile: String?
    /// Spec keys whose values were given as flags.
    var fromFlags: Set<String> = []

    static let flags: [String: String] = [
        "lr": "--lr", "steps": "--steps", "rho": "--rho", "depth": "--depth", "alpha": "--alpha", "layer_init": "--layer-init",
        "param": "--param", "width": "--width", "seed": "--seed", "loss": "--loss", "optimizer": "--optimizer", "record": "--record", "time": "--time",
        "rtol": "--rtol", "atol": "--atol", "blowup_norm": "--blowup-norm", "loss_tolerance": "--loss-tol",
        "rescaled": "--rescaled", "log_time": "--log-time", "data.mu": "--mu", "data.gaussian": "--gaussian",
        "data.n": "--gaussian: n", "data.mean": "--gaussian: mean", "data.sigma": "--gaussian: sigma",
        "data.seed": "--gaussian: seed", "data": "--data", "config": "--config", "checkpoint": "checkpoint",
    ]

    /// The flag of a spec key (a rule parameter `asam_eta` is `--asam-eta`).
    static func flag(_ key: String) -> String {
        flags[key] ?? "--" + key.replacingOccurrences(of: "_", with: "-")
    }

    /// A field as the user should read it.
    func name(_ field: SpecField) -> String {
        let root = field.key.hasPrefix("data.") ? (field.key == "data.mu" ? "data.mu" : "data.gaussian") : field.key
        if let configFile, !fromFlags.contains(root), field.key != "checkpoint" {
            return "\(configFile): \(field.description)"
        }
        if field.key == "layer_init", let index = field.index { return "--layer-init \(index + 1)" }
        return Self.flag(field.key)
    }

    /// A file by its path, a field as the user should read it.
    func name(_ origin: DataOrigin) -> String { origin.named(name) }

    /// The one-line message of a library error, fields named as the user gave them.
    func message(_ error: any Error) -> String {
        RunSetupError.message(of: error, naming: name)
    }

    /// Runs `body`, turning library errors into the tool's one-line `InvalidInput`.
    func checking<T>(_ body: () throws -> T) throws(InvalidInput) -> T {
        do { return try body() } catch let error as InvalidInput { throw error } catch { throw InvalidInput(message(error)) }
    }
}
