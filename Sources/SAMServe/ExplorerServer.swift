import Dispatch
import Foundation
import Hummingbird
import SAMExplorer

/// The explorer on HTTP: `ExplorerAPI` behind Hummingbird 2, with the page and its assets compiled into the
/// binary (no CDN, no network: it works offline).
///
/// `GET /` is the page, `GET /assets/NAME` its scripts and styles, `POST /api/run`, `/api/regime` and
/// `/api/maxmargin` and `GET /api/registry` the API. Each API request runs on Dispatch's global pool, so requests run concurrently on the
/// cores while the event loops stay free; the API's limits (`ExplorerLimits`) keep one request from wedging the
/// server. SIGINT and SIGTERM stop it gracefully (open requests finish first).
public struct ExplorerServer: Sendable {
    /// The address to bind to: loopback unless told otherwise.
    public var host: String
    /// The port; 0 picks a free one (the URL passed to `onRunning` says which).
    public var port: Int
    /// The API the requests go to.
    public var api: ExplorerAPI
    /// The largest request body accepted (bytes).
    public static let maximumBody = 16 << 20

    /// A server for `api` on `host:port`.
    public init(host: String = "127.0.0.1", port: Int = 8321, api: ExplorerAPI = ExplorerAPI()) {
        self.host = host
        self.port = port
        self.api = api
    }

    /// Serves until SIGINT or SIGTERM; `onRunning` gets the URL once the socket is bound.
    public func run(onRunning: @escaping @Sendable (String) -> Void) async throws {
        let router = Router()
        let api = self.api
        router.get("/") { _, _ in Self.response(PageAssets.page) }
        router.get("/assets/{name}") { _, context in
            guard let name = context.parameters.get("name"), let asset = PageAssets.asset(named: name) else {
                return Self.response(.error(404, "no such asset"))
            }
            return Self.response(asset)
        }
        for path in ExplorerAPI.endpoints {
            router.post(RouterPath(path)) { request, _ in
                let buffer = try await request.body.collect(upTo: Self.maximumBody)
                let body = Data(buffer.readableBytesView)
                var parameters: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
                let query = parameters
                let answer = await Self.compute { api.handle(method: "POST", path: path, query: query, body: body) }
                return Self.response(answer)
            }
            router.get(RouterPath(path)) { _, _ in Self.response(api.handle(method: "GET", path: path, body: Data())) }
        }
        for path in ExplorerAPI.readEndpoints {
            router.get(RouterPath(path)) { _, _ in Self.response(api.handle(method: "GET", path: path, body: Data())) }
        }
        let host = self.host
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "samlab"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? 0
                                  let shown = host.contains(":") ? "[\(host)]" : host
                                  onRunning("http://\(shown):\(bound)/")
                              })
        try await app.runService()
    }

    /// Runs the synchronous API off the event loop, on the global concurrent queue.
    static func compute(_ work: @escaping @Sendable () -> ExplorerResponse) async -> ExplorerResponse {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }

    /// The HTTP response of an API answer.
    static func response(_ answer: ExplorerResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
