import Foundation
import Testing
import SAMCore
@testable import SAMVision

@Suite struct IDXTests {
    let images = IDXReader.Array(dimensions: [3, 2, 2], bytes: [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8])
    let labels = IDXReader.Array(dimensions: [3], bytes: [7, 0, 9])

    func write(_ array: IDXReader.Array, magic: UInt32, to path: String) {
        try! IDXReader.encode(array, magic: magic).write(to: URL(fileURLWithPath: path))
    }

    func gzip(_ path: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-f", path]
        try! p.run()
        p.waitUntilExit()
    }

    /// Writes the four standard files; `gzipped` compresses them (giving .gz names).
    func makeDataset(gzipped: Bool, testLabels: IDXReader.Array? = nil) -> String {
        let dir = temporaryDirectory()
        for prefix in ["train", "t10k"] {
            write(images, magic: IDXReader.imagesMagic, to: "\(dir)/\(prefix)-images-idx3-ubyte")
            write(prefix == "t10k" ? (testLabels ?? labels) : labels, magic: IDXReader.labelsMagic, to: "\(dir)/\(prefix)-labels-idx1-ubyte")
        }
        if gzipped {
            for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
                gzip("\(dir)/\(name)")
            }
        }
        return dir
    }

    @Test(arguments: [false, true]) func roundTrip(gzipped: Bool) throws {
        let dir = makeDataset(gzipped: gzipped)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/t10k-labels-idx1-ubyte.gz") == gzipped)
        let data = try MNISTDataset(directory: dir)
        for set in [data.train, data.test] {
            #expect(set.count == 3 && set.height == 2 && set.width == 2)
            #expect(set.labels == [7, 0, 9])
            #expect(set.pixels[0] == 0 && set.pixels[1] == 1 && abs(set.pixels[2] - 0.2) < 1e-7)
        }
        #expect(try IDXReader.readImages("\(dir)/train-images-idx3-ubyte\(gzipped ? ".gz" : "")") == images)
    }

    @Test func badMagic() throws {
        let dir = temporaryDirectory()
        let path = "\(dir)/labels"
        write(labels, magic: IDXReader.imagesMagic, to: path)
        let error = #expect(throws: InvalidInput.self) { try IDXReader.readLabels(path) }
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("magic") == true)
    }

    @Test func truncatedAndOversized() throws {
        let dir = temporaryDirectory()
        let path = "\(dir)/images"
        var data = IDXReader.encode(images, magic: IDXReader.imagesMagic)
        try data.dropLast().write(to: URL(fileURLWithPath: path))
        let short = #expect(throws: InvalidInput.self) { try IDXReader.readImages(path) }
        #expect(short?.message.contains("truncated") == true && short?.message.contains(path) == true)
        try data.prefix(9).write(to: URL(fileURLWithPath: path))
        #expect(throws: InvalidInput.self) { try IDXReader.readImages(path) }
        data.append(0)
        try data.write(to: URL(fileURLWithPath: path))
        #expect(throws: InvalidInput.self) { try IDXReader.readImages(path) }
    }

    @Test func corruptGzip() throws {
        let dir = makeDataset(gzipped: true)
        let path = "\(dir)/train-images-idx3-ubyte.gz"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 6).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: InvalidInput.self) { try MNISTDataset(directory: dir) }
        #expect(error?.message.contains(path) == true)
    }

    @Test func countMismatchNamesBothFiles() {
        let dir = makeDataset(gzipped: false, testLabels: IDXReader.Array(dimensions: [2], bytes: [1, 2]))
        let error = #expect(throws: InvalidInput.self) { try MNISTDataset(directory: dir) }
        #expect(error?.message.contains("t10k-images-idx3-ubyte") == true)
        #expect(error?.message.contains("t10k-labels-idx1-ubyte") == true)
    }

    @Test func missingDirectorySaysHowToGetData() {
        let error = #expect(throws: InvalidInput.self) { try MNISTDataset(directory: "/nonexistent/samvision") }
        #expect(error?.message.contains("apt-get install dataset-fashion-mnist") == true && error?.message.contains("make deps") == true)
    }

    @Test func missingFile() throws {
        let dir = makeDataset(gzipped: false)
        try FileManager.default.removeItem(atPath: "\(dir)/train-labels-idx1-ubyte")
        let error = #expect(throws: InvalidInput.self) { try MNISTDataset(directory: dir) }
        #expect(error?.message.contains("train-labels-idx1-ubyte") == true)
    }
}
