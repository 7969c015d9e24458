import SAMCore

/// Parsing of comma-separated number lists (`--mu 1,2`), with errors that name the flag.
enum ValueParsing {
    static func numbers(_ text: String, flag: String) throws(InvalidInput) -> [Double] {
        let tokens = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !tokens.isEmpty, !(tokens.count == 1 && tokens[0].isEmpty) else { throw InvalidInput("\(flag) needs at least one number") }
        var values = [Double]()
        for (i, token) in tokens.enumerated() {
            guard let v = Double(token) else { throw InvalidInput("\(flag): entry \(i + 1) ('\(token)') is not a number") }
            guard v.isFinite else { throw InvalidInput("\(flag): entry \(i + 1) ('\(token)') is not finite") }
            values.append(v)
        }
        return values
    }
}
