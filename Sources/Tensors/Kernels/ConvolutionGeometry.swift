/// Zero padding added to the four edges of an image before a convolution.
///
/// PyTorch's `Conv2d(padding=p)` is `ConvolutionPadding(p)`; `nn.ZeroPad2d((left, right, top,
/// bottom))` followed by an unpadded convolution is
/// `ConvolutionPadding(top: top, bottom: bottom, left: left, right: right)`.
public struct ConvolutionPadding: Sendable, Hashable {
    public var top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// The same padding on every edge.
    public init(_ all: Int) { self.init(top: all, bottom: all, left: all, right: all) }

    /// No padding.
    public static let zero = ConvolutionPadding(0)
}

/// Extents of one 2-D convolution (NCHW input, `[O, C, kh, kw]` weight) and its im2col /
/// col2im kernels.
///
/// The column matrix of an image has one row per (input channel, kernel row, kernel column),
/// k = (c·kh + i)·kw + j, and one column per output position; column (y, x) of row k holds
/// `input[c, y·s + i − top, x·s + j − left]`, or 0 in the padding. Columns are built for a band
/// of output rows at a time so the matrix stays within `columnBudget` floats.
struct ConvolutionGeometry {
    let batch: Int, channels: Int, height: Int, width: Int
    let outputChannels: Int, kernelHeight: Int, kernelWidth: Int
    let stride: Int
    let padding: ConvolutionPadding
    let outputHeight: Int, outputWidth: Int

    /// Floats of one column band, unless a single output row needs more.
    let columnBudget: Int
    /// The default band budget: 16 M floats (64 MB).
    static let defaultColumnBudget = 1 << 24

    init(input: [Int], weight: [Int], stride: Int, padding: ConvolutionPadding, columnBudget: Int) {
        precondition(input.count == 4 && weight.count == 4,
                     "conv2d: input must be [N, C, H, W] and weight [O, C, kh, kw], got \(input) and \(weight)")
        precondition(weight[1] == input[1],
                     "conv2d: weight \(weight) expects \(weight[1]) channels, input \(input) has \(input[1])")
        precondition(stride >= 1, "conv2d: stride \(stride) must be positive")
        precondition([padding.top, padding.bottom, padding.left, padding.right].allSatisfy { $0 >= 0 },
                     "conv2d: negative padding \(padding)")
        (batch, channels, height, width) = (input[0], input[1], input[2], input[3])
        (outputChannels, kernelHeight, kernelWidth) = (weight[0], weight[2], weight[3])
        self.stride = stride
        self.padding = padding
        self.columnBudget = columnBudget
        let paddedHeight = height + padding.top + padding.bottom
        let paddedWidth = width + padding.left + padding.right
        precondition(
            kernelHeight >= 1 && kernelWidth >= 1 && paddedHeight >= kernelHeight && paddedWidth >= kernelWidth,
            "conv2d: kernel \(kernelHeight)×\(kernelWidth) does not fit the padded input "
                + "\(paddedHeight)×\(paddedWidth)")
        outputHeight = (paddedHeight - kernelHeight) / stride + 1
        outputWidth = (paddedWidth - kernelWidth) / stride + 1
    }

    var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
    /// Rows of the column matrix: C·kh·kw.
    var patchSize: Int { channels * kernelHeight * kernelWidth }
    var inputPlane: Int { height * width }
    var outputPlane: Int { outputHeight * outputWidth }
    /// A 1×1, stride-1, unpadded convolution: each image is its own column matrix.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == .zero
    }

    /// Bands of output rows whose column matrices fit the budget.
    var rowBands: [Range<Int>] {
        let rows = Swift.max(1, Swift.min(outputHeight, columnBudget / Swift.max(1, patchSize * outputWidth)))
        return Swift.stride(from: 0, to: outputHeight, by: rows).map { $0..<Swift.min($0 + rows, outputHeight) }
    }

    /// Output columns x whose input column x·s + offset lies inside the image.
    private func validColumns(offset: Int) -> Range<Int> {
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let lastInside = width - 1 - offset
        let high = lastInside < 0 ? 0 : Swift.min(outputWidth, lastInside / stride + 1)
        return Swift.min(low, high)..<high
    }

    /// Writes the column matrix of `image` (one `[C, H, W]` image) for output rows `rows` into
    /// `columns`, a `[C·kh·kw, rows.count·outputWidth]` buffer.
    func gatherColumns(_ image: UnsafePointer<Float>, rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        forEachTapRow(rows: rows) { c, columnRow, sourceOffset, valid in
            let target = columns + columnRow
            guard let sourceOffset else {
                target.update(repeating: 0, count: outputWidth)
                return
            }
            let source = image + c * inputPlane + sourceOffset
            target.update(repeating: 0, count: valid.lowerBound)
            if stride == 1 {
                (target + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
            } else {
                for x in valid { target[x] = source[x * stride] }
            }
            (target + valid.upperBound).update(repeating: 0, count: outputWidth - valid.upperBound)
        }
    }

    /// Adds the column matrix `columns` (layout as in ``gatherColumns(_:rows:into:)``) back onto
    /// `image`: the adjoint of gathering (col2im).
    func scatterColumns(_ columns: UnsafePointer<Float>, rows: Range<Int>, into image: UnsafeMutablePointer<Float>) {
        forEachTapRow(rows: rows) { c, columnRow, sourceOffset, valid in
            guard let sourceOffset else { return }
            let (values, target) = (columns + columnRow, image + c * inputPlane + sourceOffset)
            for x in valid { target[x * stride] += values[x] }
        }
    }

    /// Visits every (channel c, kernel tap, output row y ∈ `rows`) of a band, channels split across
    /// cores: `body(c, columnRow, sourceOffset, valid)` gets the offset of that row's `outputWidth`
    /// values in the column matrix, the offset within channel c's plane of the input value read by
    /// output column 0 (nil when the tap's input row is padding), and the output columns whose input
    /// column lies inside the image. Gathering and scattering are the two uses.
    private func forEachTapRow(
        rows: Range<Int>, _ body: (_ channel: Int, _ columnRow: Int, _ sourceOffset: Int?, _ valid: Range<Int>) -> Void
    ) {
        let bandWidth = rows.count * outputWidth
        let taps = kernelHeight * kernelWidth
        Parallel.forEachRange(channels, costPerItem: taps * bandWidth) { channelRange in
            for c in channelRange {
                for i in 0..<kernelHeight {
                    for j in 0..<kernelWidth {
                        let tapRow = ((c * kernelHeight + i) * kernelWidth + j) * bandWidth
                        let valid = validColumns(offset: j - padding.left)
                        for y in rows {
                            let sourceRow = y * stride + i - padding.top
                            let inside = sourceRow >= 0 && sourceRow < height
                            body(c, tapRow + (y - rows.lowerBound) * outputWidth,
                                 inside ? sourceRow * width + j - padding.left : nil, valid)
                        }
                    }
                }
            }
        }
    }
}
