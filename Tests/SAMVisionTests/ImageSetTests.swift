import Testing
import SAMCore
@testable import SAMVision

@Suite struct ImageSetTests {
    // Three 1x2 images: [0, 0.1], [0.2, 0.3], [0.4, 0.5].
    let set = try! ImageSet(height: 1, width: 2, pixels: [0, 0.1, 0.2, 0.3, 0.4, 0.5], labels: [7, 8, 9])

    @Test func pixelCountMustMatch() {
        let error = #expect(throws: InvalidInput.self) { try ImageSet(height: 2, width: 2, pixels: [0, 0, 0], labels: [0]) }
        #expect(error?.message.contains("3 pixels") == true && error?.message.contains("2x2") == true)
        #expect(throws: InvalidInput.self) { try ImageSet(height: 1, width: 1, pixels: [0, 0], labels: [0]) }
        #expect(throws: InvalidInput.self) { try ImageSet(height: 0, width: 0, pixels: [], labels: [0]) }
        #expect(throws: Never.self) { try ImageSet(height: 1, width: 1, pixels: [], labels: []) }
    }

    @Test func imageChecksItsIndex() throws {
        #expect(try set.image(1) == [0.2, 0.3])
        for bad in [-1, 3] {
            let error = #expect(throws: InvalidInput.self) { try set.image(bad) }
            #expect(error?.message.contains("image \(bad) is outside 0..<3") == true)
        }
    }

    @Test func batchChecksItsIndices() throws {
        let (x, y) = try set.batch([2, 0])
        #expect(x.shape == [2, 1, 1, 2] && x.data == [0.4, 0.5, 0, 0.1] && y == [9, 7])
        #expect(throws: InvalidInput.self) { try set.batch([0, 3]) }
        #expect(throws: InvalidInput.self) { try set.batch([-1]) }
    }

    @Test func prefixKeepsWholeImages() {
        #expect(set.prefix(2).labels == [7, 8] && set.prefix(2).pixels == [0, 0.1, 0.2, 0.3])
        #expect(set.prefix(10) == set)
        #expect(set.prefix(0).count == 0)
    }
}
