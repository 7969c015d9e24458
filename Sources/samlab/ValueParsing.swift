import Foundation
import SAMCore

/// Parsing of comma-separated number lists (`--mu 1,2`), with errors that name the flag.
///
/// `@FILE`, or a file name ending in `.npy`, `.csv` or `.txt`, reads the list from a file instead (`VectorFile`: a
/// .npy float64 vector, or numbers separated by commas, spaces or newlines), for lists too long for a command line (an
/// argument is limited to 128 KiB on Linux: about 7,000 numbers).
enum ValueParsing {
    /// The file suffixes that make a flag's value a file name without `@`.
    static let fileSuffixes = [".npy", ".csv", ".txt"]

    /// The file a flag's value names: `@FILE`, or a name ending in one of `fileSuffixes` (nil: a list of numbers).
    static func file(_ text: String) -> String? {
        if text.hasPrefix("@") { return String(text.dropFirst()) }
        let lower = text.lowercased()
        return fileSuffixes.contains(where: lower.hasSuffix) ? text : nil
    }

    /// The numbers of a flag's value `1,2,3`, `@FILE` or `FILE.npy` (`.csv`, `.txt`); errors name the flag (and file,
    /// entry).
    static func numbers(_ text: String, flag: String) throws(InvalidInput) -> [Double] {
        if let path = file(text) { return try VectorFile.read(path, source: flag) }
        let tokens = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !tokens.isEmpty, !(tokens.count == 1 && tokens[0].isEmpty) else { throw InvalidInput("\(flag) needs at least one number") }
        return try parse(tokens, flag: flag)
    }

    /// A rule parameter's value: a number, or `inf` (+infinity, which only a parameter such as lp-sam's p admits:
    /// the spec's check refuses it elsewhere).
    static func parameter(_ text: String, flag: String) throws(InvalidInput) -> Double {
        let token = text.trimmingCharacters(in: .whitespaces)
        if token.lowercased() == RuleParameter.infinitySpelling || token.lowercased() == "infinity" { return .infinity }
        guard let v = Double(token), !v.isNaN, !v.isInfinite else { throw InvalidInput("\(flag) must be a number (got '\(text)')") }
        return v
    }

    /// A value of rule parameter `parameter`: one of its names (`inf`, msam's `n`, `l2`/`none`, the only values of a
    /// choice), or a number (the spec's check refuses a value outside the domain).
    static func parameter(_ text: String, of parameter: RuleParameter?, flag: String) throws(InvalidInput) -> Double {
        guard let parameter else { return try self.parameter(text, flag: flag) }
        let token = text.trimmingCharacters(in: .whitespaces)
        if let value = parameter.value(named: token) ?? parameter.value(named: token.lowercased()) { return value }
        if parameter.isChoice {
            let names = parameter.names.map(\.name)
            throw InvalidInput("\(flag) must be \(names.dropLast().joined(separator: ", ")) or \(names.last!) (got '\(text)')")
        }
        if parameter.admitsInfinity, parameter.value(named: RuleParameter.infinitySpelling) == nil,
           ["inf", "infinity"].contains(token.lowercased()) {
            let name = parameter.name(of: .infinity) ?? ""
            throw InvalidInput("\(flag) must be \(parameter.integral ? "an integer" : "a number") or \(name) (got '\(text)')")
        }
        return try self.parameter(text, flag: flag)
    }

    /// A parameter value as the command line spells it: its name if it has one, else the shortest number.
    static func text(_ value: Double, of parameter: RuleParameter) -> String {
        parameter.name(of: value) ?? text(value)
    }

    /// A parameter value as the command line spells it: `inf`, or the shortest number (2 rather than 2.0).
    static func text(_ value: Double) -> String {
        if value == .infinity { return RuleParameter.infinitySpelling }
        return value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
    }

    static func parse(_ tokens: [String], flag: String) throws(InvalidInput) -> [Double] {
        var values = [Double]()
        values.reserveCapacity(tokens.count)
        for (i, token) in tokens.enumerated() {
            guard let v = Double(token) else {
                // A lone value that is no number is most likely a file name with another suffix (`x.dat`): say how
                // a file is named.
                let hint = tokens.count == 1 ? " (to read the list from a file, write @\(token), or use a name ending in \(fileSuffixes.joined(separator: ", ")))" : ""
                throw InvalidInput("\(flag): entry \(i + 1) ('\(token)') is not a number\(hint)")
            }
            guard v.isFinite else { throw InvalidInput("\(flag): entry \(i + 1) ('\(token)') is not finite") }
            values.append(v)
        }
        return values
    }
}
