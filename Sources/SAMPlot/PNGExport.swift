import Foundation

/// SVG to PNG through librsvg's `rsvg-convert` (Debian package librsvg2-bin).
///
/// Rasterizing is left to a real renderer rather than reimplemented: text shaping, antialiasing and font fallback
/// are exactly what librsvg does well. The program is looked up on PATH (then in the usual install locations), the
/// SVG goes through a temporary file, and the PNG is written next to its target and renamed over it, so a reader
/// never sees a partial image.
public enum PNGExport {
    /// Why a PNG could not be written (no renderer, or it failed).
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// The reason, in one line.
        public var description: String
    }

    /// Path of `rsvg-convert`, or nil when it is not installed.
    public static func rendererPath() -> String? {
        let fm = FileManager.default
        var directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        directories += ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/rsvg-convert"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether `rsvg-convert` is installed.
    public static var isAvailable: Bool { rendererPath() != nil }

    /// Renders `svg` to a PNG file at `url`, `scale` pixels per point, on a white background.
    public static func write(svg: String, to url: URL, scale: Double = 2) throws {
        guard let program = rendererPath() else {
            throw Failure(description: "rsvg-convert not found: install librsvg2-bin")
        }
        guard scale.isFinite, scale > 0 else { throw Failure(description: "PNG scale must be positive (got \(scale))") }
        let input = AtomicFile.temporaryURL(beside: url, suffix: ".svg")
        let output = AtomicFile.temporaryURL(beside: url, suffix: ".png")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try Data(svg.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["--format", "png", "--zoom", String(scale), "--background-color", "white",
                             "--output", output.path, input.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.path) else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "rsvg-convert failed (status \(process.terminationStatus)): \(text)")
        }
        try AtomicFile.replace(url, with: output)
    }
}
