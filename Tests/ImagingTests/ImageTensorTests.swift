import Testing
import Tensors
@testable import Imaging

@Suite("Image ↔ Tensor conversion")
struct ImageTensorTests {
    static let ranges: [TensorValueRange] = [.zeroToOne, .minusOneToOne]

    @Test("image → tensor → image is exact for every layout and range",
          arguments: PixelLayout.allCases, ranges)
    func roundTrip(layout: PixelLayout, range: TensorValueRange) throws {
        let image = try ImagingFixtures.randomImage(layout: layout, width: 7, height: 5, seed: 21)
        let tensor = image.tensor(range: range)
        #expect(tensor.shape == [layout.channelCount, 5, 7])
        #expect(try Image(tensor: tensor, range: range) == image)
    }

    @Test("every byte value survives both ranges")
    func allByteValues() throws {
        let image = try Image(width: 256, height: 1, layout: .gray, pixels: (0...255).map(UInt8.init))
        for range in Self.ranges {
            #expect(try Image(tensor: image.tensor(range: range), range: range) == image)
        }
    }

    @Test("the tensor is channel-first with the documented value mapping")
    func layoutAndValues() throws {
        let image = try Image(width: 2, height: 1, layout: .rgb, pixels: [0, 51, 255, 102, 153, 204])
        let unit: [Float] = [0, 102, 51, 153, 255, 204].map { $0 / 255 }   // R plane, G plane, B plane
        #expect(image.tensor(range: .zeroToOne).scalars == unit)
        let signed = image.tensor(range: .minusOneToOne)
        #expect(signed[0, 0, 0] == -1 && signed[2, 0, 0] == 1)
        #expect(signed[1, 0, 1] == Float(153) / 255 * 2 - 1)
    }

    @Test("out-of-range values clamp and values round to nearest, ties to even")
    func clampAndRound() throws {
        // 0.5/255 → 0.5 rounds to 0 (even); 1.5/255 → 1.5 rounds to 2; 0.7/255 → 1; ±∞ and ±3 clamp.
        let values: [Float] = [-3, 0.5 / 255, 1.5 / 255, 0.7 / 255, 3, -.infinity, .infinity]
        let image = try Image(tensor: Tensor(shape: [1, 1, 7], scalars: values), range: .zeroToOne)
        #expect(image.pixels == [0, 0, 2, 1, 255, 0, 255])
        let signed = try Image(tensor: Tensor(shape: [1, 1, 4], scalars: [-1, 0, 1, -7]), range: .minusOneToOne)
        #expect(signed.pixels == [0, 128, 255, 0])   // 0 ↦ 0.5 × 255 = 127.5 ↦ 128 (even)
    }

    @Test("NaN is .nonFiniteTensorValue with its flat index")
    func nan() {
        #expect(throws: ImagingError.nonFiniteTensorValue(index: 4)) {
            try Image(tensor: Tensor(shape: [1, 2, 3], scalars: [0, 0, 0, 0, .nan, 0]), range: .zeroToOne)
        }
    }

    @Test("shapes other than [1|3|4, H ≥ 1, W ≥ 1] are rejected",
          arguments: [[3, 4], [2, 4, 4], [1, 3, 4, 4], [5, 2, 2]])
    func badShapes(shape: [Int]) {
        #expect {
            try Image(tensor: Tensor.zeros(shape), range: .zeroToOne)
        } throws: { error in
            guard case .unsupportedTensorShape(let found, _)? = error as? ImagingError else { return false }
            return found == shape
        }
        #expect(throws: ImagingError.self) { try Image(tensor: Tensor.zeros([3, 0, 4]), range: .zeroToOne) }
    }
}
