import Foundation

/// One answer of the explorer's API: an HTTP status, a content type and the body bytes. The HTTP layer
/// (`samlab-serve`) only copies these out, so everything the API decides is testable without a socket.
public struct ExplorerResponse: Sendable, Equatable {
    /// 200, 400 (bad input: the CLI's one-line message), 404, 405, 413 (over the limits) or 500.
    public var status: Int
    /// The MIME type of `body`.
    public var contentType: String
    /// The body.
    public var body: Data

    /// A response from its parts.
    public init(status: Int, contentType: String, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// `{"error": message}` with `status`: the one line the command-line tool would print for the same input.
    public static func error(_ status: Int, _ message: String) -> ExplorerResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body = (try? encoder.encode(["error": message])) ?? Data(#"{"error":"unencodable message"}"#.utf8)
        body.append(0x0A)
        return ExplorerResponse(status: status, contentType: "application/json", body: body)
    }

    /// JSON bytes with status 200.
    public static func json(_ body: Data) -> ExplorerResponse {
        ExplorerResponse(status: 200, contentType: "application/json", body: body)
    }
}
