import Foundation

/// The one JSON style of SAMLab: sorted keys (so equal values give equal bytes), pretty-printed, shortest
/// round-trip numbers, and an error rather than a silent NaN or infinity.
public enum JSONOutput {
    /// `value` as SAMLab's JSON (sorted keys, pretty-printed, a final newline); a non-finite number is an error.
    /// `userInfo` reaches every nested encoder (a run folder passes its `SummaryVectors` sink).
    public static func encode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws(InvalidInput) -> Data {
        let encoder = JSONEncoder()
        encoder.userInfo = userInfo
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(value)
            data.append(0x0A)
            return data
        } catch {
            throw InvalidInput("internal error: a value could not be written as JSON (\(error))")
        }
    }

    /// Decodes `type` from `data`; errors are one line, `source: ...`, naming the JSON path at fault.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(InvalidInput) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InvalidInput("\(source): missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw InvalidInput("\(source): wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))' (\(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) {
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw InvalidInput("\(source): \(at.isEmpty ? "" : "at '\(at)': ")\(context.debugDescription)")
        } catch {
            throw InvalidInput("\(source): not valid JSON (\(error))")
        }
    }

    /// A decoding error in one line (the JSON path and what was wrong).
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (at.isEmpty ? "" : "at '\(at)': ") + context.debugDescription
        default:
            return "\(error)"
        }
    }
}
