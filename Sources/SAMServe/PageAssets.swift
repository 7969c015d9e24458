import Foundation
import SAMExplorer

/// The explorer's page and assets, compiled into the binary by SwiftPM (`resources: [.embedInCode("Page")]`, the
/// `PackageResources` arrays), so `samlab serve` needs no files beside it and no network.
enum PageAssets {
    /// index.html.
    static var page: ExplorerResponse { ExplorerResponse(status: 200, contentType: "text/html; charset=utf-8", body: Data(PackageResources.index_html)) }

    /// An asset by file name, or nil.
    static func asset(named name: String) -> ExplorerResponse? {
        let assets: [String: (bytes: [UInt8], type: String)] = [
            "explorer.js": (PackageResources.explorer_js, "text/javascript; charset=utf-8"),
            "plots.js": (PackageResources.plots_js, "text/javascript; charset=utf-8"),
            "axes.js": (PackageResources.axes_js, "text/javascript; charset=utf-8"),
            "explorer.css": (PackageResources.explorer_css, "text/css; charset=utf-8"),
        ]
        return assets[name].map { ExplorerResponse(status: 200, contentType: $0.type, body: Data($0.bytes)) }
    }
}
