import Tensors
import TestSupport
import Testing
@testable import Generators

/// The pixel-space identity codec: pixel-unshuffle layout, exact round trip, gradients, errors.
@Suite("Pixel patch codec")
struct IdentityCodecTests {
    @Test("encode folds p×p patches into channels in pixel_unshuffle order", arguments: [1, 2, 4])
    func layout(patchSize p: Int) throws {
        let codec = try PixelPatchCodec(imageChannels: 3, patchSize: p)
        var random = RandomGenerator(seed: 1)
        let image = random.uniform([2, 3, 4 * p, 2 * p], low: -1, high: 1)
        let latents = try codec.encode(image)
        #expect(latents.shape == [2, 3 * p * p, 4, 2])
        #expect(codec.latentChannels == 3 * p * p && codec.spatialFactor == p)
        for (b, c, i, j, y, x) in [(0, 0, 0, 0, 0, 0), (1, 2, p - 1, 0, 3, 1), (1, 1, p / 2, p - 1, 2, 0)] {
            #expect(latents[b, c * p * p + i * p + j, y, x] == image[b, c, y * p + i, x * p + j])
        }
    }

    @Test("decode is the exact inverse of encode, and encode of decode", arguments: [1, 2, 3])
    func roundTrip(patchSize p: Int) throws {
        let codec = try PixelPatchCodec(imageChannels: 2, patchSize: p)
        var random = RandomGenerator(seed: 2)
        let image = random.uniform([1, 2, 3 * p, 5 * p], low: -1.5, high: 1.5)
        #expect(try codec.decode(codec.encode(image)).scalars == image.scalars)
        let latents = random.normal([2, 2 * p * p, 2, 3])
        #expect(try codec.encode(codec.decode(latents)).scalars == latents.scalars)
    }

    @Test("both directions are differentiable (a permutation: the gradient is permuted back)")
    func gradients() throws {
        let codec = try PixelPatchCodec(imageChannels: 1, patchSize: 2)
        var random = RandomGenerator(seed: 3)
        let encodeReport = GradientCheck.check([random.normal([1, 1, 4, 4])]) { try! codec.encode($0[0]) }
        let decodeReport = GradientCheck.check([random.normal([1, 4, 2, 2])]) { try! codec.decode($0[0]) }
        #expect(encodeReport.maxRelativeError <= 1e-2 && decodeReport.maxRelativeError <= 1e-2)
    }

    @Test("bad sizes and channel counts are typed errors")
    func errors() throws {
        #expect(throws: GeneratorError.self) { try PixelPatchCodec(patchSize: 0) }
        #expect(throws: GeneratorError.self) { try PixelPatchCodec(imageChannels: 0, patchSize: 2) }
        let codec = try PixelPatchCodec(imageChannels: 3, patchSize: 2)
        for shape in [[1, 3, 5, 4], [1, 1, 4, 4], [3, 4, 4]] {
            #expect(throws: GeneratorError.self) { try codec.encode(Tensor.zeros(shape)) }
        }
        #expect(throws: GeneratorError.self) { try codec.decode(Tensor.zeros([1, 3, 2, 2])) }
    }
}
