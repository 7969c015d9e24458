import Foundation
import Testing

@Suite struct VisionCommandTests {
    /// A tiny MNIST-format set written here: bright bars on the left (class 0) or the right (class 1), `size` x `size`.
    static func writeIDX(to dir: URL, count: Int, size: Int = 28) throws {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        for (prefix, n) in [("train", count), ("t10k", count / 2)] {
            var images = be32(0x0803) + be32(n) + be32(size) + be32(size), labels = be32(0x0801) + be32(n)
            for i in 0..<n {
                let label = i % 2
                for r in 0..<size {
                    for c in 0..<size {
                        let bar = label == 0 ? c < size * 10 / 28 : c > size * 17 / 28
                        images.append(bar && r > size * 4 / 28 && r < size * 24 / 28 ? 220 : 10)
                    }
                }
                labels.append(UInt8(label))
            }
            try Data(images).write(to: dir.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(labels).write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Bad input: exit 2 and a single line on stderr.
    static func expectOneLineError(_ r: CLI.Result, mentioning words: [String]) {
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        for word in words { #expect(r.stderr.contains(word), "\(r.stderr)") }
    }

    @Test func trainAndGradCAMOnTinyData() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 16)
        let run = dir.appendingPathComponent("run").path
        let r = try CLI.run(["vision", "train", "--data-dir", dir.path, "--optimizer", "l2-sam", "--batch-size", "8", "--epochs", "2", "--out", run,
                             "--cam-every", "3", "--cam-images", "4"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try Self.json(run + "/summary.json")
        #expect(summary["status"] as? String == "completed")
        #expect(summary["test_accuracy"] is Double)
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoint.json") && FileManager.default.fileExists(atPath: run + "/history.csv"))
        // 2 steps per epoch: step 0, epoch ends 2 and 4, and step 3.
        let csv = try String(contentsOfFile: run + "/cam_share.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "step,epoch,images,foreground_share_mean,ci95_low,ci95_high,degenerate_maps")
        #expect(csv.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["0", "2", "3", "4"])
        #expect(csv.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[2] == "4" })
        let series = try #require(summary["cam_share"] as? [String: Any])
        #expect(series["every_steps"] as? Int == 3 && series["images"] as? Int == 4 && series["threshold"] as? Double == 0.1)
        let observations = try #require(series["observations"] as? [[String: Any]])
        #expect(observations.map { $0["step"] as? Int } == [0, 2, 3, 4])
        #expect(observations.last?["epoch"] as? Double == 2)
        #expect(observations.allSatisfy { $0["foreground_share_mean"] is Double && $0["degenerate_maps"] is Int })

        let cam = try CLI.run(["vision", "gradcam", run, "--images", "4", "--shown", "2", "--out", dir.appendingPathComponent("cam").path])
        #expect(cam.status == 0, "\(cam.stderr)")
        #expect(cam.stdout.contains("foreground share"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cam/gradcam.svg").path))
        // gradcam and the training series measure the same thing: at the end of training, on the same 4 images.
        let row = try String(contentsOfFile: dir.appendingPathComponent("cam/gradcam.csv").path, encoding: .utf8).split(separator: "\n")[1]
        #expect(row.split(separator: ",")[3] == csv.last!.split(separator: ",")[3])
        let shares = try String(contentsOfFile: dir.appendingPathComponent("cam/gradcam_shares.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(shares.count == 5 && shares[0].hasPrefix("image,"))

        // Two runs: the second against the first, image by image; a run against itself differs by exactly 0.
        let pair = try CLI.run(["vision", "gradcam", run, run, "--images", "4", "--shown", "1", "--out", dir.appendingPathComponent("pair").path])
        #expect(pair.status == 0, "\(pair.stderr)")
        let paired = try String(contentsOfFile: dir.appendingPathComponent("pair/gradcam_paired.csv").path, encoding: .utf8).split(separator: "\n")
        #expect(paired.first == "run,against,pairs,difference_mean,ci95_low,ci95_high")
        let fields = paired[1].split(separator: ",", omittingEmptySubsequences: false)
        let degenerate = try #require(Int(row.split(separator: ",", omittingEmptySubsequences: false)[6]))
        #expect(Int(fields[2]) == 4 - degenerate, "\(paired[1]) against \(row)")
        if degenerate < 4 { #expect(Double(fields[3]) == 0, "\(paired[1])") }
    }

    /// Without --cam-every nothing is measured and no cam_share appears.
    @Test func noSeriesUnlessAsked() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 16)
        let run = dir.appendingPathComponent("run").path
        let r = try CLI.run(["vision", "train", "--data-dir", dir.path, "--batch-size", "8", "--out", run, "--cam-images", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ignored without --cam-every"))
        #expect(!FileManager.default.fileExists(atPath: run + "/cam_share.csv"))
        #expect(try Self.json(run + "/summary.json")["cam_share"] == nil)
    }

    @Test func badFlagsAreOneLineErrors() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 4)
        let base = ["vision", "train", "--data-dir", dir.path, "--out", dir.appendingPathComponent("run").path]
        for (flag, value) in [("--checkpoint-every", "-1"), ("--cam-every", "-2"), ("--cam-images", "0"), ("--cam-threshold", "nan")] {
            Self.expectOneLineError(try CLI.run(base + ["--cam-every", "1", flag, value]), mentioning: [flag])
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/checkpoint.json").path))
    }

    /// Ctrl-C saves a checkpoint at the next step and exits 130; --resume then ends with the same bytes as a run
    /// that was never stopped (and never saved inside an epoch), foreground-share series included.
    @Test func interruptAndResumeGiveTheSameBytes() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 16)
        func args(_ out: String, checkpointEvery: Int) -> [String] {
            ["vision", "train", "--data-dir", dir.path, "--optimizer", "l2-sam", "--batch-size", "6", "--epochs", "4",
             "--checkpoint-every", "\(checkpointEvery)", "--cam-every", "2", "--cam-images", "2", "--out", out]
        }
        let straight = dir.appendingPathComponent("straight").path
        #expect(try CLI.run(args(straight, checkpointEvery: 0)).status == 0)
        let resumed = dir.appendingPathComponent("resumed").path
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = args(resumed, checkpointEvery: 1)
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The first checkpoint (after step 1) shows that training, and so the SIGINT handler, has started.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: resumed + "/checkpoint.json") && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.interrupt()
        process.waitUntilExit()
        if process.terminationStatus == 130 {
            let summary = try Self.json(resumed + "/summary.json")
            #expect(summary["status"] as? String == "interrupted")
            #expect((summary["steps"] as? Int ?? 0) < 12)
        } else {
            #expect(process.terminationStatus == 0, "the run finished before the signal")
        }
        let r = try CLI.run(args(resumed, checkpointEvery: 0) + ["--resume"])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["checkpoint.json", "summary.json", "history.csv", "cam_share.csv"] {
            #expect(try Self.bytes(resumed + "/" + name) == Self.bytes(straight + "/" + name), "\(name) differs")
        }
    }

    /// A step size of 1e38 overflows: the run ends as diverged (a result, exit 0) with finite parameters saved.
    @Test func divergedRunKeepsAFiniteCheckpoint() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 16)
        let run = dir.appendingPathComponent("run").path
        let r = try CLI.run(["vision", "train", "--data-dir", dir.path, "--batch-size", "8", "--epochs", "3", "--lr", "1e38", "--out", run])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("status diverged"))
        #expect(try Self.json(run + "/summary.json")["status"] as? String == "diverged")
        let checkpoint = try Self.json(run + "/checkpoint.json")
        #expect(checkpoint["status"] as? String == "diverged")
        let text = try #require(checkpoint["parameters"] as? String)
        let data = try #require(Data(base64Encoded: text))
        let count = try #require(checkpoint["parameterCount"] as? Int)
        #expect(data.count == 4 * count && count > 0)
        let bytes = [UInt8](data)
        // IEEE single: inf and NaN have all eight exponent bits set.
        let nonFinite = stride(from: 0, to: bytes.count, by: 4).filter { i in
            (UInt32(bytes[i + 3]) << 24 | UInt32(bytes[i + 2]) << 16) >> 23 & 0xFF == 0xFF
        }
        #expect(nonFinite.isEmpty)
    }

    @Test func gradcamNamesAMissingRunFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        Self.expectOneLineError(try CLI.run(["vision", "gradcam", empty.path, "--out", dir.appendingPathComponent("cam").path]),
                                mentioning: [empty.path + "/checkpoint.json", "samlab vision train"])
        try Self.writeIDX(to: dir, count: 4)
        let run = dir.appendingPathComponent("run").path
        #expect(try CLI.run(["vision", "train", "--data-dir", dir.path, "--batch-size", "2", "--out", run]).status == 0)
        try FileManager.default.removeItem(atPath: run + "/summary.json")
        Self.expectOneLineError(try CLI.run(["vision", "gradcam", run, "--out", dir.appendingPathComponent("cam").path]),
                                mentioning: [run + "/summary.json"])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("cam").path))
    }

    /// A run whose network takes 28x28 images, pointed at 20x20 data, is refused before any Grad-CAM.
    @Test func gradcamRejectsDataOfAnotherSize() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 4)
        let small = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        try Self.writeIDX(to: small, count: 4, size: 20)
        let run = dir.appendingPathComponent("run").path
        #expect(try CLI.run(["vision", "train", "--data-dir", dir.path, "--batch-size", "2", "--out", run]).status == 0)
        var summary = try Self.json(run + "/summary.json")
        #expect(summary["dataset"] as? String == "idx:\(dir.path)" && summary["data_dir"] as? String == dir.path)
        summary["dataset"] = "idx:\(small.path)"
        try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: run + "/summary.json"))
        Self.expectOneLineError(try CLI.run(["vision", "gradcam", run, "--out", dir.appendingPathComponent("cam").path]),
                                mentioning: ["1x28x28", "20x20", run])
    }

    /// The network takes its input size and classes from the data and its layers from the flags.
    @Test func architectureFollowsDataAndFlags() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 8, size: 20)
        let run = dir.appendingPathComponent("run").path
        let r = try CLI.run(["vision", "train", "--data-dir", dir.path, "--batch-size", "4", "--conv-channels", "3,5", "--kernel", "3",
                             "--hidden", "0", "--blas-threads", "2", "--out", run])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try Self.json(run + "/summary.json")
        let architecture = try #require((summary["config"] as? [String: Any])?["architecture"] as? [String: Any])
        #expect(architecture["inputHeight"] as? Int == 20 && architecture["inputWidth"] as? Int == 20)
        #expect(architecture["convChannels"] as? [Int] == [3, 5] && architecture["hidden"] as? Int == 0)
        #expect(architecture["classes"] as? Int == 2)
        #expect(summary["blas_threads"] as? Int == 2)
        #expect(!((summary["blas_core"] as? String) ?? "").isEmpty)
        Self.expectOneLineError(try CLI.run(["vision", "train", "--data-dir", dir.path, "--conv-channels", "none", "--cam-every", "1",
                                             "--out", dir.appendingPathComponent("x").path]), mentioning: ["--cam-every"])
        Self.expectOneLineError(try CLI.run(["vision", "train", "--data-dir", dir.path, "--conv-channels", "8,8,8",
                                             "--out", dir.appendingPathComponent("y").path]), mentioning: ["too small"])
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("y").path))
    }

    /// `samlab bench cnn` on a tiny set: a table row per optimizer next to a peer file; bad requests are one line.
    @Test func benchCNNReadsPeersAndRejectsBadFlags() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 8)
        let peers = dir.appendingPathComponent("peers.jsonl")
        try Data(#"{"peer": "pytorch", "optimizer": "sgd", "images_per_s": 1000.0, "peak_rss_mib": 600.0}"#.utf8).write(to: peers)
        let r = try CLI.run(["bench", "cnn", "--data-dir", dir.path, "--batch", "4", "--steps", "2", "--repeats", "1", "--peers", peers.path])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("sgd ") || $0.hasPrefix("l2-sam ") }
        #expect(rows.count == 2)
        #expect(rows.first?.contains("1000") == true && rows.first?.contains("x ") == true)
        Self.expectOneLineError(try CLI.run(["bench", "cnn", "--data-dir", dir.path, "--optimizers", "adam"]), mentioning: ["adam"])
        Self.expectOneLineError(try CLI.run(["bench", "cnn", "--data-dir", dir.path, "--batch", "4", "--steps", "5"]), mentioning: ["20"])
    }

    /// --dataset mnist-5k (the default) reads the real digits and records the seeded split; fashion-mnist and
    /// idx:DIR read IDX folders (--data-dir DIR is idx:DIR); any other value, or both flags, is one line and exit 2.
    @Test func datasetFlag() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 8)
        let base = ["vision", "train", "--batch-size", "30", "--train-limit", "60", "--conv-channels", "4", "--hidden", "0"]
        for (flags, name) in [([], "mnist-5k"), (["--dataset", "mnist-5k"], "mnist-5k")] {
            let run = dir.appendingPathComponent("run-\(flags.count)").path
            let r = try CLI.run(base + flags + ["--out", run])
            #expect(r.status == 0, "\(r.stderr)")
            let summary = try Self.json(run + "/summary.json")
            #expect(summary["dataset"] as? String == name && summary["data_dir"] == nil)
            #expect(summary["train_images"] as? Int == 60 && summary["test_images"] as? Int == 10)
            let split = try #require(summary["split"] as? [String: Any])
            #expect(split["seed"] as? Int == 1 && split["train_images"] as? Int == 4000 && split["test_images"] as? Int == 1000)
            #expect(split["test_per_class"] as? Int == 100 && split["classes"] as? Int == 10)
            #expect((split["rule"] as? String)?.contains("SplitMix64") == true)
            #expect(summary["steps"] as? Int == 2)
        }
        // The same run on the same digits gives the same checkpoint.
        #expect(try Self.bytes(dir.appendingPathComponent("run-0/checkpoint.json").path) == Self.bytes(dir.appendingPathComponent("run-2/checkpoint.json").path))
        for (flags, name) in [(["--dataset", "idx:\(dir.path)"], "idx:\(dir.path)"), (["--data-dir", dir.path], "idx:\(dir.path)")] {
            let run = dir.appendingPathComponent("idx-\(flags[0])").path
            let r = try CLI.run(base + flags + ["--out", run])
            #expect(r.status == 0, "\(r.stderr)")
            let summary = try Self.json(run + "/summary.json")
            #expect(summary["dataset"] as? String == name && summary["data_dir"] as? String == dir.path && summary["split"] == nil)
        }
        if FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") {
            let run = dir.appendingPathComponent("fashion").path
            let r = try CLI.run(base + ["--dataset", "fashion-mnist", "--out", run])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Self.json(run + "/summary.json")["dataset"] as? String == "fashion-mnist")
        }
        let out = dir.appendingPathComponent("bad").path
        for value in ["mnist", "idx:", "fashion", "MNIST-5K"] {
            Self.expectOneLineError(try CLI.run(base + ["--dataset", value, "--out", out]), mentioning: ["--dataset", "'\(value)'", "mnist-5k, fashion-mnist or idx:DIR"])
        }
        Self.expectOneLineError(try CLI.run(base + ["--dataset", "mnist-5k", "--data-dir", dir.path, "--out", out]),
                                mentioning: ["only one of --dataset and --data-dir"])
        #expect(!FileManager.default.fileExists(atPath: out))
        // gradcam explains the run on the test digits it was trained with.
        let cam = try CLI.run(["vision", "gradcam", dir.appendingPathComponent("run-0").path, "--images", "3", "--shown", "1",
                               "--out", dir.appendingPathComponent("cam").path])
        #expect(cam.status == 0 && cam.stdout.contains("foreground share"), "\(cam.stderr)")
    }

    /// Without the digits, mnist-5k says how to get them (make deps), before anything is written.
    @Test func missingDigitsSayHowToGetThem() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let r = try CLI.run(["vision", "train", "--out", out], environment: ["SAMLAB_DATA_DIR": dir.path])
        Self.expectOneLineError(r, mentioning: [dir.appendingPathComponent("mnist_5k.csv.gz").path, "missing", "make deps"])
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func missingDataDirectorySaysWhatToDo() throws {
        let r = try CLI.run(["vision", "train", "--data-dir", "/nonexistent/mnist", "--out", "/tmp/never-\(UUID().uuidString)"])
        Self.expectOneLineError(r, mentioning: ["/nonexistent/mnist"])
    }

    /// SIGTERM (Slurm, systemd, timeout) stops training like Ctrl-C, with exit status 143.
    @Test func sigtermStopsTrainingWith143() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 16)
        let run = dir.appendingPathComponent("run").path
        let process = Process()
        process.executableURL = CLI.binary
        // Far more epochs than the time before the signal allows.
        process.arguments = ["vision", "train", "--data-dir", dir.path, "--batch-size", "6", "--epochs", "100000", "--checkpoint-every", "1",
                             "--out", run]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: run + "/checkpoint.json") && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(try Self.json(run + "/summary.json")["status"] as? String == "interrupted")
        #expect(try Self.json(run + "/checkpoint.json")["status"] as? String == "interrupted")
        // The folder now holds a run: the same command is refused unless --resume or --force says what to do.
        let again = try CLI.run(["vision", "train", "--data-dir", dir.path, "--batch-size", "6", "--epochs", "1", "--out", run])
        Self.expectOneLineError(again, mentioning: ["already holds a run", "--resume", "--force"])
    }

    /// IDX files with no images (train, or test) are refused with one line, never a crash or a NaN.
    @Test func emptyImageFilesAreRefused() throws {
        for (count, file) in [(0, "train-images-idx3-ubyte"), (1, "t10k-images-idx3-ubyte")] {
            let dir = try CLI.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            try Self.writeIDX(to: dir, count: count)
            let run = dir.appendingPathComponent("run").path
            Self.expectOneLineError(try CLI.run(["vision", "train", "--data-dir", dir.path, "--out", run]),
                                    mentioning: [file, "holds no images"])
            #expect(!FileManager.default.fileExists(atPath: run))
            Self.expectOneLineError(try CLI.run(["bench", "cnn", "--data-dir", dir.path]), mentioning: ["holds no images"])
        }
    }

    /// A run folder is replaced only when asked (--force), and continued with --resume.
    @Test func aFolderHoldingARunIsRefusedUnlessResumeOrForce() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 8)
        let run = dir.appendingPathComponent("run").path
        let base = ["vision", "train", "--data-dir", dir.path, "--batch-size", "4", "--out", run]
        #expect(try CLI.run(base + ["--cam-every", "1", "--cam-images", "2"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: run + "/cam_share.csv"))
        let before = try Self.bytes(run + "/summary.json")
        Self.expectOneLineError(try CLI.run(base + ["--seed", "2"]), mentioning: ["--out \(run) already holds a run", "--force"])
        #expect(try Self.bytes(run + "/summary.json") == before)
        Self.expectOneLineError(try CLI.run(base + ["--resume", "--force"]), mentioning: ["give only one of --resume"])
        let forced = try CLI.run(base + ["--seed", "2", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Self.bytes(run + "/summary.json") != before)
        #expect(!FileManager.default.fileExists(atPath: run + "/cam_share.csv"), "the replaced run's series is not left behind")
        let resumed = try CLI.run(base + ["--seed", "2", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let file = dir.appendingPathComponent("file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        Self.expectOneLineError(try CLI.run(["vision", "train", "--data-dir", dir.path, "--out", file + "/run"]),
                                mentioning: ["\(file): exists and is not a directory"])
    }
}
