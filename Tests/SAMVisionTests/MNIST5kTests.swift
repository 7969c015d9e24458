import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// The MNIST digits of fig5: SHA-256, the CSV reader (on small files written here), the seeded split, the messages
/// for a missing or different file, and the real file that `make deps` fetches.
@Suite struct MNIST5kTests {
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self)
    }

    /// FIPS 180-4's examples, and sha256sum on lengths around the 56- and 64-byte padding boundaries.
    @Test func sha256() throws {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let dir = temporaryDirectory()
        var rng = SplitMix64(seed: 3)
        for length in [55, 56, 63, 64, 65, 1000] {
            let data = Data((0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            let path = "\(dir)/bytes\(length)"
            try data.write(to: URL(fileURLWithPath: path))
            let expected = try run("/usr/bin/sha256sum", [path]).prefix(64)
            #expect(SHA256.hex(data) == expected, "length \(length)")
        }
    }

    /// Writes `text` to `name` in a fresh folder, gzip-compressed when asked, and returns its path.
    func file(_ text: String, name: String = "digits.csv", gzipped: Bool) throws -> String {
        let path = "\(temporaryDirectory())/\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        guard gzipped else { return path }
        _ = try run("/bin/gzip", ["-f", path])
        return path + ".gz"
    }

    /// Three 2x2 images, pixels then label.
    let tiny = "0,255,51,102,7\r\n1,2,3,4,0\n255,255,0,0,9\n"

    @Test(arguments: [false, true]) func readsTinyCSV(gzipped: Bool) throws {
        let path = try file(tiny, gzipped: gzipped)
        let set = try MNIST5k.readCSV(try InputFile.read(path), source: path)
        #expect(set.count == 3 && set.height == 2 && set.width == 2)
        #expect(set.labels == [7, 0, 9])
        #expect(set.pixels[0] == 0 && set.pixels[1] == 1 && abs(set.pixels[2] - 0.2) < 1e-7 && abs(set.pixels[4] - 1.0 / 255) < 1e-7)
        // A last line without its line feed is read too.
        let unterminated = try MNIST5k.readCSV(Data("1,2,3,4,5".utf8), source: "x")
        #expect(unterminated.labels == [5] && unterminated.count == 1)
    }

    @Test func badRowsNameTheLine() throws {
        let cases: [(String, [String])] = [
            ("1,2,3,4,0\n1,2,3,0\n", ["line 2", "4 fields", "line 1 has 5"]),
            ("1,2,3,4,0\n1,2,256,4,0\n", ["line 2", "256"]),
            ("1,2,3,4,0\n1,2,x,4,0\n", ["line 2", "unexpected character"]),
            ("1,2,3,4,0\n1,,3,4,0\n", ["line 2", "field 2", "empty"]),
            ("1,2,3,0\n", ["line 1", "4 fields", "side²"]),
            ("1,2,3,4,0\n\n", ["line 2", "empty"]),
            ("1,2,3,4,1000\n", ["line 1", "more than 3 digits"]),
            ("1,2,3,4,0\r1,2,3,4,0\n", ["line 1", "carriage return"]),
            ("", ["holds no rows"]),
        ]
        for (text, words) in cases {
            let error = #expect(throws: InvalidInput.self) { try MNIST5k.readCSV(Data(text.utf8), source: "t.csv") }
            for word in words { #expect(error?.message.contains(word) == true, "\(text.debugDescription): \(error?.message ?? "")") }
            #expect(error?.message.hasPrefix("t.csv") == true)
        }
        // A corrupt gzip file names the file.
        let path = try file(tiny, gzipped: true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 6).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: InvalidInput.self) { try MNIST5k.readCSV(try InputFile.read(path), source: path) }
        #expect(error?.message.contains(path) == true)
    }

    /// 3 classes of `perClass` 1x1 images whose pixel value is the image's index / 255, so a set says which rows it holds.
    func indexed(perClass: Int, classes: Int = 3) throws -> ImageSet {
        let n = perClass * classes
        return try ImageSet(height: 1, width: 1, pixels: (0..<n).map { Float($0) / 255 }, labels: (0..<n).map { $0 / perClass })
    }

    func rows(_ set: ImageSet) -> [Int] { set.pixels.map { Int(($0 * 255).rounded()) } }

    @Test func splitIsSeededStratifiedAndDisjoint() throws {
        let all = try indexed(perClass: 20)
        let data = try MNIST5k.split(all, testPerClass: 5, seed: 7)
        #expect(data.train.count == 45 && data.test.count == 15)
        #expect(data.split == DatasetSplit(seed: 7, train: 45, test: 15, testPerClass: 5, classes: 3))
        let (train, test) = (rows(data.train), rows(data.test))
        #expect(Set(train).isDisjoint(with: test))
        #expect(Set(train + test) == Set(0..<60) && train.count + test.count == 60)
        for c in 0..<3 { #expect(data.test.labels.count { $0 == c } == 5) }
        // Labels travel with their images.
        #expect(zip(train + test, data.train.labels + data.test.labels).allSatisfy { $0 / 20 == $1 })
        // Shuffled, not sorted: the first test images are not all of class 0.
        #expect(Set(data.test.labels.prefix(5)).count > 1)
        #expect(try MNIST5k.split(all, testPerClass: 5, seed: 7) == data)
        let other = try MNIST5k.split(all, testPerClass: 5, seed: 8)
        #expect(rows(other.test) != test)
        let error = #expect(throws: InvalidInput.self) { try MNIST5k.split(all, testPerClass: 20, seed: 1) }
        #expect(error?.message.contains("class 0 has 20 images") == true)
        #expect(throws: InvalidInput.self) { try MNIST5k.split(all, testPerClass: 0, seed: 1) }
    }

    @Test func missingOrDifferentFileSaysHowToGetIt() throws {
        let missing = "\(temporaryDirectory())/mnist_5k.csv.gz"
        let error = #expect(throws: InvalidInput.self) { try MNIST5k.load(path: missing) }
        #expect(error?.message.hasPrefix("\(missing): missing") == true)
        #expect(error?.message.contains("make deps") == true && error?.message.contains("SAMLAB_DATA_DIR") == true)
        let wrong = try file(tiny, name: "mnist_5k.csv", gzipped: true)
        let different = #expect(throws: InvalidInput.self) { try MNIST5k.load(path: wrong) }
        #expect(different?.message.contains("sha256") == true && different?.message.contains(MNIST5k.sha256) == true)
        #expect(different?.message.contains("make deps") == true)
    }

    /// The file `make deps` fetched: 5,000 28x28 digits, 500 per class, split 4,000 / 1,000 with 100 per class.
    @Test func realDigits() throws {
        let data = try MNIST5k.load()
        #expect(data.train.count == 4000 && data.test.count == 1000)
        #expect(data.train.height == 28 && data.train.width == 28)
        #expect(data.split == DatasetSplit(seed: 1, train: 4000, test: 1000, testPerClass: 100, classes: 10))
        for c in 0..<10 {
            #expect(data.test.labels.count { $0 == c } == 100 && data.train.labels.count { $0 == c } == 400)
        }
        // Digits are mostly background: about a fifth of MNIST's pixels are above 0.1.
        let bright = Double(data.test.pixels.count { $0 > 0.1 }) / Double(data.test.pixels.count)
        #expect(bright > 0.1 && bright < 0.3, "\(bright)")
        #expect(try VisionDataset(parsing: "mnist-5k").load() == data)
    }

    @Test func datasetNames() throws {
        #expect(try VisionDataset(parsing: "mnist-5k") == .mnist5k)
        #expect(try VisionDataset(parsing: "fashion-mnist") == .fashionMNIST)
        #expect(try VisionDataset(parsing: "idx:/a/b") == .idx("/a/b"))
        for name in ["mnist-5k", "fashion-mnist", "idx:/a/b"] { #expect(try VisionDataset(parsing: name).description == name) }
        #expect(VisionDataset.fashionMNIST.directory == MNISTDataset.fashionMNISTDirectory && VisionDataset.mnist5k.directory == nil)
        for bad in ["mnist", "idx:", "", "MNIST-5k"] {
            let error = #expect(throws: InvalidInput.self) { try VisionDataset(parsing: bad) }
            #expect(error?.message.contains("mnist-5k, fashion-mnist or idx:DIR") == true)
        }
    }
}
