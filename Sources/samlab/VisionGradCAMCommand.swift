import ArgumentParser
import Foundation
import SAMCore
import SAMExperiments
import SAMPlot
import SAMVision

struct VisionGradCAM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcam",
        abstract: "Grad-CAM of trained runs on the same test images: a figure (input / CAM per run) and the share of CAM mass on foreground pixels with a 95% interval."
    )

    @Argument(help: "Run directories written by samlab vision train.") var runs: [String]
    @Option(name: .customLong("images"), parsing: .unconditional, help: "Test images to average over.") var images: Int = 200
    @Option(name: .customLong("shown"), parsing: .unconditional, help: "Images shown in the figure.") var shown: Int = 4
    @Option(name: .customLong("threshold"), parsing: .unconditional, help: "Foreground: input intensity above this.") var threshold: Double = 0.1
    @Option(name: .customLong("out"), parsing: .unconditional, help: "Output directory for gradcam.svg/.png/.json, gradcam.csv, gradcam_shares.csv (per image) and gradcam_paired.csv (each run minus the first, image by image).") var out: String

    struct LoadedRun {
        var directory: String
        var run: TrainingRun
        var network: Network
        var summary: VisionSummary

        /// The data set the run was trained on: its summary's `dataset`, or the IDX folder `data_dir` of summaries
        /// written before `dataset` existed.
        var dataset: VisionDataset {
            get throws(InvalidInput) {
                if let name = summary.dataset {
                    do { return try VisionDataset(parsing: name) } catch { throw InvalidInput("\(directory)/summary.json: dataset: \(error.message)") }
                }
                guard let directory = summary.dataDirectory else { throw InvalidInput("\(directory)/summary.json: names neither a dataset nor a data_dir") }
                return .idx(directory)
            }
        }
    }

    func run() throws {
        guard !runs.isEmpty else { throw InvalidInput("give at least one run directory") }
        guard images >= 1, shown >= 1 else { throw InvalidInput("--images and --shown must be at least 1") }
        guard threshold.isFinite else { throw InvalidInput("--threshold must be a finite number (got \(threshold))") }
        let loaded = try runs.map(Self.load)
        // Every run is explained on the first run's test images, so the maps and shares compare like with like.
        let dataset = try loaded[0].dataset
        let test = try dataset.load().test
        for r in loaded {
            let arch = r.run.config.architecture
            guard arch.inputHeight == test.height, arch.inputWidth == test.width, arch.inputChannels == 1 else {
                throw InvalidInput("\(r.directory): its network takes \(arch.inputChannels)x\(arch.inputHeight)x\(arch.inputWidth) images but \(dataset) has \(test.height)x\(test.width) ones")
            }
            if try r.dataset != dataset {
                Terminal.warn("\(r.directory) was trained on \(try r.dataset); it is explained on \(dataset)'s test images like the first run")
            }
        }
        let n = min(images, test.count)
        var panels: [Panel] = []
        for k in 0..<min(shown, n) {
            let image = try test.image(k)
            panels.append(ImagePanel.make(image.map(Double.init), height: test.height, width: test.width, title: k == 0 ? "input" : nil, colorMap: .grays))
            for r in loaded {
                let cam = try GradCAM.compute(network: r.network, image: image)
                panels.append(ImagePanel.make(cam.map.map(Double.init), height: cam.height, width: cam.width,
                                              title: k == 0 ? "\(r.run.config.optimizer.displayName) (\((r.directory as NSString).lastPathComponent))" : nil,
                                              colorMap: .viridis))
            }
        }
        func field(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        var csv = "run,optimizer,images,foreground_share_mean,ci95_low,ci95_high,degenerate_maps\n"
        var perImage: [[Double?]] = []
        for r in loaded {
            let shares = try ForegroundShare.shares(network: r.network, images: test, count: n, threshold: Float(threshold))
            let share = ForegroundShare(perImage: shares)
            perImage.append(shares)
            csv += "\(r.directory),\(r.run.config.optimizer.rawValue),\(n),\(field(share.mean)),\(field(share.ci95Low)),\(field(share.ci95High)),\(share.degenerateMaps)\n"
            print("\(r.directory) (\(r.run.config.optimizer.rawValue)): foreground share \(share)")
        }
        // Every later run against the first, image by image (the same images, so the paired interval is the test).
        var paired = "run,against,pairs,difference_mean,ci95_low,ci95_high\n"
        for k in loaded.indices.dropFirst() {
            let d = try PairedShareDifference(perImage[k], perImage[0])
            paired += "\(loaded[k].directory),\(loaded[0].directory),\(d.pairs),\(field(d.mean)),\(field(d.ci95Low)),\(field(d.ci95High))\n"
            print("\(loaded[k].directory) − \(loaded[0].directory), paired: \(d)")
        }
        var table = "image," + loaded.map { "\"\($0.directory.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ",") + "\n"
        for i in 0..<n { table += "\(i)," + perImage.map { field($0[i]) }.joined(separator: ",") + "\n" }
        try AtomicFile.makeDirectory(out)
        let figure = Figure(title: "Grad-CAM on the last conv layer", width: Double(180 * (loaded.count + 1)), height: Double(170 * min(shown, n) + 60),
                            columns: loaded.count + 1, panels: panels, colorBar: ImagePanel.gradCAMColorBar)
        let rendered = SVGRenderer.render(figure)
        try rendered.writeSVG(to: URL(fileURLWithPath: out + "/gradcam.svg"))
        try figure.save(to: URL(fileURLWithPath: out + "/gradcam.json"))
        if PNGExport.isAvailable { try rendered.writePNG(to: URL(fileURLWithPath: out + "/gradcam.png")) }
        try AtomicFile.write(csv, to: out + "/gradcam.csv")
        try AtomicFile.write(table, to: out + "/gradcam_shares.csv")
        if loaded.count > 1 { try AtomicFile.write(paired, to: out + "/gradcam_paired.csv") }
    }

    /// A run directory's checkpoint (its parameters) and summary (its data directory), with a message naming the
    /// missing file rather than a bare "cannot read".
    static func load(_ directory: String) throws(InvalidInput) -> LoadedRun {
        func file(_ name: String) throws(InvalidInput) -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw InvalidInput("\(path): missing; give run directories written by 'samlab vision train --out DIR'")
            }
            return path
        }
        let checkpoint = try file("checkpoint.json"), summaryPath = try file("summary.json")
        let run = try TrainingRun.load(from: checkpoint)
        let summary = try JSONOutput.decode(VisionSummary.self, from: try InputFile.read(summaryPath), source: summaryPath)
        return LoadedRun(directory: directory, run: run, network: try run.makeNetwork(), summary: summary)
    }
}
