import Foundation
import Testing
import TestSupport
@testable import Tensors

/// The device path of `Tensor` (``TensorBackend``, ``Backend``, host mirrors) with a
/// ``FakeBackend``: ops route by where their operands live, results equal the CPU path bit for
/// bit, unsupported ops fall back to the host, and host mirrors follow device writes.
@Suite("Backend dispatch")
struct BackendDispatchTests {
    /// A small pre-norm attention block with an MLP, built from the ops the Qwen2 forward uses
    /// (stored bf16 and Float32 products, RMSNorm, RoPE, grouped-query attention, SiLU, permutes,
    /// reshapes, softmax, a gather and a concat).
    static func block(_ x: Tensor, _ weights: [Tensor], stored: StoredMatrix, cos: Tensor, sin: Tensor) -> Tensor {
        let (b, l) = (x.shape[0], x.shape[1])
        let normed = x.rmsNorm(weight: weights[0], epsilon: 1e-6)
        func heads(_ t: Tensor, _ count: Int) -> Tensor { t.reshaped([b, l, count, 2]).permuted([0, 2, 1, 3]) }
        let q = heads(normed.matmul(weights[1], transposeOther: true) + weights[2], 4)
        let k = heads(normed.matmul(weights[3], transposeOther: true), 2)
        let v = heads(normed.matmul(stored: stored, transposeWeight: true), 2)
        let attended = Tensor.scaledDotProductAttention(
            query: q.applyingRotary(cos: cos, sin: sin, layout: .halfSplit),
            key: k.applyingRotary(cos: cos, sin: sin, layout: .halfSplit), value: v, causal: true)
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([b, l, 8])
        let residual = x + merged * 0.5
        let gate = residual.matmul(weights[1], transposeOther: true).silu()
        let mixed = (gate * residual - 1).softmax(axis: -1).exp().tanh().gelu() / (residual + 3)
        let rows = mixed.reshaped([b * l, 8]).indexSelect(axis: 0, [0, 2, 1])
        return Tensor.concat([rows, mixed.reshaped([b * l, 8]).slice(axis: 0, 0..<3)], axis: 1)
    }

    final class Fixture {
        let x: Tensor, weights: [Tensor], cos: Tensor, sin: Tensor
        let bytes: UnsafeMutableRawPointer
        var stored: StoredMatrix { StoredMatrix(rows: 4, columns: 8, dtype: .bfloat16, bytes: bytes, owner: self) }

        init() {
            var rng = RandomGenerator(seed: 19)
            x = rng.normal([2, 3, 8])
            weights = [rng.uniform([8], low: 0.5, high: 1.5), rng.normal([8, 8]), rng.normal([8]), rng.normal([4, 8])]
            let angles = rng.uniform([3, 1], low: 0, high: 3)
            (cos, sin) = (angles.cos(), angles.sin())
            let w = rng.normal([4, 8])
            bytes = .allocate(byteCount: 32 * 2, alignment: 2)
            w.withUnsafeBufferPointer { DType.bfloat16.encode($0.baseAddress!, count: 32, into: bytes) }
        }
        deinit { bytes.deallocate() }
    }

    @Test("host operands never reach the backend; the CPU path is unchanged")
    func hostStaysOnHost() {
        let fake = FakeBackend()
        let f = Fixture()
        let out = Backend.withCurrent(fake) { Self.block(f.x, f.weights, stored: f.stored, cos: f.cos, sin: f.sin) }
        #expect(!out.isOnDevice)
        #expect(fake.calls.isEmpty && fake.uploads == 0)
    }

    @Test("device operands route every covered op to the backend, with results equal to the CPU's bit for bit")
    func routesAndMatches() {
        let fake = FakeBackend()
        let f = Fixture()
        let cpu = Self.block(f.x, f.weights, stored: f.stored, cos: f.cos, sin: f.sin)
        let device = Self.block(f.x.moved(to: fake), f.weights, stored: f.stored, cos: f.cos, sin: f.sin)
        #expect(device.isOnDevice)
        #expect(device.shape == cpu.shape && device.scalars == cpu.scalars)
        let calls = Set(fake.calls)
        for op in ["rmsNorm", "gemm", "gemmStored", "add", "permute", "rotary", "attention", "scale(0.5)", "silu", "multiply",
                   "addScalar(-1.0)", "softmax", "exp", "tanh", "gelu", "divide", "addScalar(3.0)", "gatherRows", "addBlock"] {
            #expect(calls.contains(op), "\(op) did not run on the device: \(fake.calls)")
        }
    }

    @Test("an op the backend does not cover runs on the host over the mirrors, with the same result")
    func unsupportedFallsBack() {
        let fake = FakeBackend(unsupported: ["attention", "rmsNorm", "permute"])
        let f = Fixture()
        let cpu = Self.block(f.x, f.weights, stored: f.stored, cos: f.cos, sin: f.sin)
        let device = Self.block(f.x.moved(to: fake), f.weights, stored: f.stored, cos: f.cos, sin: f.sin)
        #expect(device.scalars == cpu.scalars)
        #expect(!fake.calls.contains("attention") && fake.downloads > 0)
    }

    @Test("gradients through device ops equal the CPU's")
    func gradients() {
        let f = Fixture()
        func gradient(_ move: (Tensor) -> Tensor) -> [Float] {
            let tape = Tape()
            let x = tape.variable(f.x)
            let loss = Self.block(move(x), f.weights, stored: f.stored, cos: f.cos, sin: f.sin).squared().sum()
            return tape.gradients(of: loss, withRespectTo: [x])[0].scalars
        }
        let fake = FakeBackend()
        #expect(gradient { $0 } == gradient { $0.moved(to: fake) })
    }

    @Test("a backward pass seeded on the device runs its ops there (the inverse rotation of RoPE's gradient)")
    func deviceBackward() {
        let f = Fixture()
        let fake = FakeBackend()
        func gradient(seed: Tensor) -> [Float] {
            let tape = Tape()
            let x = tape.variable(f.x.reshaped([2, 1, 3, 8]))
            let y = x.applyingRotary(cos: Tensor.ones([3, 4]) * 0.6, sin: Tensor.ones([3, 4]) * 0.8, layout: .interleaved)
            return tape.gradients(of: y, withRespectTo: [x], seed: seed)[0].scalars
        }
        var rng = RandomGenerator(seed: 4)
        let seed = rng.normal([2, 1, 3, 8])
        #expect(gradient(seed: seed) == gradient(seed: seed.moved(to: fake)))
        #expect(fake.calls == ["rotaryInverse"])
    }

    @Test("a host read downloads once; a device write makes the next read download again")
    func mirrorFollowsDeviceWrites() {
        let fake = FakeBackend()
        var t = Tensor.zeros([2, 4]).moved(to: fake)
        #expect(t.scalars == [Float](repeating: 0, count: 8))
        #expect(t.scalars == [Float](repeating: 0, count: 8))
        #expect(fake.downloads == 1 && t.storage.residence?.isMirrorCurrent == true)
        t.addBlock(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), axis: 1, at: 1)
        #expect(t.isOnDevice && t.storage.residence?.isMirrorCurrent == false)
        #expect(t.scalars == [0, 1, 2, 0, 0, 3, 4, 0])
        #expect(fake.downloads == 2)
    }

    @Test("host writes to a device tensor copy it to the host first; the device values stay")
    func hostWritesCopy() {
        let fake = FakeBackend()
        let original = Tensor(shape: [3], scalars: [1, 2, 3]).moved(to: fake)
        var edited = original
        edited.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(!edited.isOnDevice && edited.scalars == [9, 2, 3])
        #expect(original.isOnDevice && original.scalars == [1, 2, 3])
    }

    @Test("memory-mapped (borrowed) weights upload once per backend; owned values each time")
    func borrowedUploadsOnce() {
        let fake = FakeBackend()
        let values: [Float] = [1, 2, 3, 4]
        let owner = Mapping(values)
        let pointer = owner.pointer
        let x = Tensor(shape: [1, 4], scalars: [1, 1, 1, 1]).moved(to: fake)
        for _ in 0..<3 {
            let weight = Tensor(shape: [4], storage: TensorStorage(borrowing: pointer, count: 4, owner: owner))
            #expect((x * weight).scalars == values)
        }
        #expect(fake.uploads == 2)
        _ = (x * Tensor(shape: [4], scalars: values)).scalars
        #expect(fake.uploads == 3)
    }

    /// Memory standing in for a mapped file: valid while the object lives.
    final class Mapping {
        let pointer: UnsafeMutablePointer<Float>
        init(_ values: [Float]) {
            pointer = .allocate(capacity: values.count)
            pointer.initialize(from: values, count: values.count)
        }
        deinit { pointer.deallocate() }
    }

    @Test("Backend.withCurrent scopes a backend to the task; install sets it for the process")
    func selection() {
        let fake = FakeBackend()
        #expect(Backend.withCurrent(fake) { Tensor.ones([2]).onCurrentBackend().isOnDevice })
        #expect(Backend.withCurrent(fake) { Tensor.ones([2]).onCurrentBackend().backend === fake })
        #expect(Tensor.ones([2]).moved(to: fake).toHost().isOnDevice == false)
    }
}
