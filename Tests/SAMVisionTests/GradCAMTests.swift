import Testing
import SAMCore
@testable import SAMVision

@Suite struct GradCAMTests {
    let arch = Architecture(inputHeight: 8, inputWidth: 8, convChannels: [4], hidden: 8, classes: 2)

    @Test func mapIsNormalizedAndFinite() throws {
        let net = try Network(architecture: arch, seed: 5)
        let image = try barImages(count: 3, seed: 3).image(2)
        #expect(image.count == 64)
        var sawOK = false
        for c in 0..<2 {
            let cam = try GradCAM.compute(network: net, image: image, classIndex: c)
            #expect(cam.map.count == 64)
            #expect(cam.map.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
            if cam.status == .ok {
                sawOK = true
                #expect(cam.map.max() == 1)
            } else {
                #expect(cam.map.allSatisfy { $0 == 0 })
            }
        }
        #expect(sawOK)
        #expect(net.gradients.allSatisfy { $0 == 0 })
    }

    @Test func zeroGradientGivesZeroMap() throws {
        let net = try Network(architecture: arch, seed: 5)
        net.parameters = [Float](repeating: 0, count: net.parameterCount)
        let cam = try GradCAM.compute(network: net, image: barImages(count: 1, seed: 3).pixels)
        #expect(cam.status == .zeroGradient)
        #expect(cam.map == [Float](repeating: 0, count: 64))
    }

    @Test func negativeMapGivesZeroMap() throws {
        // Conv biases of -1 and non-negative pixels below 1 make every ReLU feature zero: A = 0, so the
        // weighted sum is 0 everywhere (a gradient of zero through dead units), never NaN.
        let net = try Network(architecture: arch, seed: 5)
        let conv = net.layers[0] as! Conv2D
        for o in 0..<4 { conv.parameters[conv.weightCount + o] = -100 }
        let cam = try GradCAM.compute(network: net, image: barImages(count: 1, seed: 3).pixels)
        #expect(cam.status != .ok)
        #expect(cam.map.allSatisfy { $0 == 0 })
    }

    @Test func bilinearKeepsConstantsAndRange() {
        let up = GradCAM.bilinear([2, 2, 2, 2], height: 2, width: 2, toHeight: 5, toWidth: 7)
        #expect(up.allSatisfy { abs($0 - 2) < 1e-12 })
        let ramp = GradCAM.bilinear([0, 1], height: 1, width: 2, toHeight: 1, toWidth: 4)
        #expect(ramp == [0, 0.25, 0.75, 1])
    }

    @Test func foregroundShare() throws {
        #expect(try GradCAM.foregroundShare(cam: [1, 1, 0, 2], image: [0.9, 0.1, 0.9, 0.9], threshold: 0.5) == 0.75)
        #expect(try GradCAM.foregroundShare(cam: [0, 0], image: [1, 1], threshold: 0.5) == 0)
    }

    @Test func sizeMismatchesAreErrors() throws {
        let net = try Network(architecture: arch, seed: 5)
        let image = try barImages(count: 1, seed: 3).image(0)
        let short = #expect(throws: InvalidInput.self) { try GradCAM.compute(network: net, image: Array(image.dropLast())) }
        #expect(short?.message.contains("63 pixels") == true && short?.message.contains("1x8x8") == true)
        #expect(throws: InvalidInput.self) { try GradCAM.compute(network: net, image: image + image) }
        for bad in [-1, 2] {
            let error = #expect(throws: InvalidInput.self) { try GradCAM.compute(network: net, image: image, classIndex: bad) }
            #expect(error?.message.contains("class \(bad)") == true)
        }
        // Valid class indices still work, so the checks above are not rejecting everything.
        #expect(try GradCAM.compute(network: net, image: image, classIndex: 1).classIndex == 1)
        #expect(throws: InvalidInput.self) { try GradCAM.foregroundShare(cam: [1, 1], image: [1, 1, 1], threshold: 0.5) }
        let cam = try GradCAM.compute(network: net, image: image)
        #expect(throws: InvalidInput.self) { try cam.foregroundShare(image: [1], threshold: 0.5) }
    }

    @Test func networkWithoutConvolutionIsAnError() throws {
        let net = try Network(architecture: Architecture(inputHeight: 8, inputWidth: 8, convChannels: [], hidden: 4, classes: 2), seed: 1)
        let error = #expect(throws: InvalidInput.self) { try GradCAM.compute(network: net, image: [Float](repeating: 0.5, count: 64)) }
        #expect(error?.message.contains("convolution") == true)
    }
}
