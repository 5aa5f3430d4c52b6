// 2-D convolution as im2col + one GEMM per band of output rows (BLAS-bound), and its gradients.

extension Tensor {
    /// 2-D cross-correlation of an NCHW batch (PyTorch `F.conv2d` with groups 1 and dilation 1):
    ///
    ///     y[n, o, y, x] = b[o] + Σ_{c,i,j} W[o, c, i, j] · x̃[n, c, y·s + i, x·s + j],
    ///
    /// where x̃ is the input with `padding` zeros around it.
    ///
    /// Each image's column matrix X_col (`[C·kh·kw, Hₒ·Wₒ]`, see ``ConvolutionGeometry``) is
    /// multiplied by the weight viewed as `[O, C·kh·kw]`: Y = W·X_col. A 1×1, stride-1,
    /// unpadded convolution multiplies the image directly. Gradients: ∂W = Σₙ G·X_colᵀ,
    /// ∂x = col2im(Wᵀ·G), ∂b = Σ_{n,y,x} G.
    ///
    /// - Parameters:
    ///   - weight: `[O, C, kh, kw]`.
    ///   - bias: `[O]`, optional.
    ///   - stride: the same step along both axes.
    ///   - padding: zeros added to each edge before convolving.
    /// - Returns: `[N, O, Hₒ, Wₒ]` with Hₒ = (H + top + bottom − kh)/s + 1 (rounded down), Wₒ alike.
    /// - Complexity: 2·N·O·C·kh·kw·Hₒ·Wₒ flops in GEMMs, forward; twice that backward. The
    ///   column matrix is built for bands of output rows of at most 16 M floats.
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvolutionPadding = .zero
    ) -> Tensor {
        conv2d(weight: weight, bias: bias, stride: stride, padding: padding,
               columnBudget: ConvolutionGeometry.defaultColumnBudget)
    }

    /// ``conv2d(weight:bias:stride:padding:)`` with column bands of at most `columnBudget` floats
    /// (tests use small budgets to exercise the banding).
    func conv2d(
        weight: Tensor, bias: Tensor?, stride: Int, padding: ConvolutionPadding, columnBudget: Int
    ) -> Tensor {
        let geometry = ConvolutionGeometry(
            input: shape, weight: weight.shape, stride: stride, padding: padding, columnBudget: columnBudget)
        if let bias {
            precondition(bias.shape == [geometry.outputChannels],
                         "conv2d: bias \(bias.shape), expected [\(geometry.outputChannels)]")
        }
        let (x, w) = (detached(), weight.detached())
        let out = geometry.forward(x, weight: w, bias: bias?.detached())
        return Tensor.recorded(out, inputs: [self, weight] + (bias.map { [$0] } ?? [])) { g, needs in
            var gradients = geometry.backward(g, input: x, weight: w, needsInput: needs[0], needsWeight: needs[1])
            if bias != nil { gradients.append(needs[2] ? geometry.biasGradient(g) : nil) }
            return gradients
        }
    }
}

extension ConvolutionGeometry {
    /// Y = W·X_col (+ b) for every image.
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let out = TensorStorage(uninitializedCount: outputShape.elementCount)
        let columns = isPointwise ? nil : TensorStorage(uninitializedCount: patchSize * rowBands[0].count * outputWidth)
        let w = UnsafePointer(weight.storage.pointer)
        for n in 0..<batch {
            let image = UnsafePointer(x.storage.pointer) + n * channels * inputPlane
            let target = out.pointer + n * outputChannels * outputPlane
            if let bias {
                for o in 0..<outputChannels {
                    (target + o * outputPlane).update(repeating: bias.storage.pointer[o], count: outputPlane)
                }
            }
            let beta: Float = bias == nil ? 0 : 1
            guard let columns else {
                BLAS.gemm(transposeA: false, transposeB: false, m: outputChannels, n: outputPlane, k: channels,
                          a: w, lda: channels, b: image, ldb: outputPlane, beta: beta, c: target, ldc: outputPlane)
                continue
            }
            for rows in rowBands {
                let bandWidth = rows.count * outputWidth
                gatherColumns(image, rows: rows, into: columns.pointer)
                BLAS.gemm(transposeA: false, transposeB: false, m: outputChannels, n: bandWidth, k: patchSize,
                          a: w, lda: patchSize, b: columns.pointer, ldb: bandWidth,
                          beta: beta, c: target + rows.lowerBound * outputWidth, ldc: outputPlane)
            }
        }
        return withExtendedLifetime(columns) { Tensor(shape: outputShape, storage: out) }
    }

    /// [∂x, ∂W] from G = ∂L/∂y; the column matrices are rebuilt band by band.
    func backward(_ g: Tensor, input x: Tensor, weight: Tensor, needsInput: Bool, needsWeight: Bool) -> [Tensor?] {
        let gradX = needsInput ? Tensor.zeros([batch, channels, height, width]) : nil
        let gradW = needsWeight ? Tensor.zeros([outputChannels, channels, kernelHeight, kernelWidth]) : nil
        let columns = isPointwise ? nil : TensorStorage(uninitializedCount: patchSize * rowBands[0].count * outputWidth)
        let w = UnsafePointer(weight.storage.pointer)
        for n in 0..<batch {
            let image = UnsafePointer(x.storage.pointer) + n * channels * inputPlane
            let upstream = UnsafePointer(g.storage.pointer) + n * outputChannels * outputPlane
            let imageGradient = gradX.map { $0.storage.pointer + n * channels * inputPlane }
            guard let columns else {
                if let gradW {
                    BLAS.gemm(transposeA: false, transposeB: true, m: outputChannels, n: channels, k: outputPlane,
                              a: upstream, lda: outputPlane, b: image, ldb: inputPlane,
                              beta: 1, c: gradW.storage.pointer, ldc: channels)
                }
                if let imageGradient {
                    BLAS.gemm(transposeA: true, transposeB: false, m: channels, n: outputPlane, k: outputChannels,
                              a: w, lda: channels, b: upstream, ldb: outputPlane, c: imageGradient, ldc: inputPlane)
                }
                continue
            }
            for rows in rowBands {
                let bandWidth = rows.count * outputWidth
                let bandUpstream = upstream + rows.lowerBound * outputWidth
                if let gradW {
                    gatherColumns(image, rows: rows, into: columns.pointer)
                    BLAS.gemm(transposeA: false, transposeB: true, m: outputChannels, n: patchSize, k: bandWidth,
                              a: bandUpstream, lda: outputPlane, b: columns.pointer, ldb: bandWidth,
                              beta: 1, c: gradW.storage.pointer, ldc: patchSize)
                }
                if let imageGradient {
                    BLAS.gemm(transposeA: true, transposeB: false, m: patchSize, n: bandWidth, k: outputChannels,
                              a: w, lda: patchSize, b: bandUpstream, ldb: outputPlane,
                              c: columns.pointer, ldc: bandWidth)
                    scatterColumns(columns.pointer, rows: rows, into: imageGradient)
                }
            }
        }
        return withExtendedLifetime(columns) { [gradX, gradW] }
    }

    /// ∂b[o] = Σ_{n,y,x} G[n, o, y, x].
    func biasGradient(_ g: Tensor) -> Tensor {
        Tensor(shape: [outputChannels]) { buffer in
            for o in 0..<outputChannels {
                var total: Float = 0
                for n in 0..<batch {
                    total += RowMath.sum(g.storage.pointer + (n * outputChannels + o) * outputPlane, outputPlane)
                }
                buffer[o] = total
            }
        }
    }
}
