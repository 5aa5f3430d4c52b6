import Tensors
import Testing

@testable import Generators

@Suite("Latent packing")
struct LatentPackingTests {
    @Test("pack puts latent (c, 2r + dy, 2col + dx) at token r·(W/2) + col, channel c·4 + 2·dy + dx")
    func channelOrder() throws {
        let (b, c, h, w) = (2, 3, 4, 6)
        let latents = Tensor(shape: [b, c, h, w]) { buffer in
            for i in buffer.indices { buffer[i] = Float(i) }
        }
        let packed = try LatentPacking.pack(latents)
        #expect(packed.shape == [b, (h / 2) * (w / 2), c * 4])
        for batch in 0..<b {
            for channel in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        let token = (y / 2) * (w / 2) + x / 2
                        let feature = channel * 4 + 2 * (y % 2) + x % 2
                        #expect(packed[batch, token, feature] == latents[batch, channel, y, x])
                    }
                }
            }
        }
    }

    @Test("unpack inverts pack exactly, for patch sizes 1, 2 and 4")
    func roundTrip() throws {
        var random = RandomGenerator(seed: 3)
        for p in [1, 2, 4] {
            let latents = random.normal([2, 5, 8, 12])
            let packed = try LatentPacking.pack(latents, patchSize: p)
            #expect(packed.shape == [2, (8 / p) * (12 / p), 5 * p * p])
            let unpacked = try LatentPacking.unpack(packed, height: 8, width: 12, patchSize: p)
            #expect(unpacked.shape == latents.shape && unpacked.scalars == latents.scalars)
        }
    }

    @Test("sizes that do not divide into patches are typed errors")
    func errors() {
        #expect(
            throws: GeneratorError.invalidInput(
                name: "latents", expected: "[B, C, H, W] with H and W multiples of 2", found: "[1, 4, 5, 6]")
        ) {
            try LatentPacking.pack(.zeros([1, 4, 5, 6]))
        }
        #expect(throws: GeneratorError.self) { try LatentPacking.pack(.zeros([4, 6])) }
        #expect(throws: GeneratorError.self) { try LatentPacking.unpack(.zeros([1, 6, 16]), height: 4, width: 8) }
        #expect(throws: GeneratorError.self) { try LatentPacking.unpack(.zeros([1, 8, 15]), height: 4, width: 8) }
        #expect(throws: GeneratorError.self) { try LatentPacking.unpack(.zeros([1, 8, 16]), height: 3, width: 8) }
    }
}
