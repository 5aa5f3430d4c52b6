import Foundation
import ModelIO

/// The shape of a Qwen-Image VAE: the `config.json` of a diffusers `vae/` folder, read strictly
/// (diffusers `AutoencoderKLQwenImage.__init__` in
/// `src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py`).
///
/// Keys: `base_dim`, `z_dim`, `dim_mult`, `num_res_blocks`, `attn_scales`, `temperal_downsample`
/// (diffusers' spelling), `dropout`, `input_channels`, `latents_mean`, `latents_std`, and diffusers'
/// bookkeeping keys `_class_name`, `_diffusers_version`, `_name_or_path`. Missing keys take
/// diffusers' defaults (Qwen-Image's VAE). `attn_scales` may not name a stage's scale (1, ½, ¼, …
/// for stages 0, 1, 2, …): diffusers would add attention blocks to those encoder stages that its
/// encoder cannot run (it calls them with cache arguments they do not take); other values are
/// ignored, as diffusers ignores them, and no released checkpoint sets any.
public struct QwenImageVAEConfiguration: Sendable, Equatable {
    /// Channels of the first stage (96).
    public var baseDim: Int
    /// Latent channels (16).
    public var zDim: Int
    /// Channel multiplier of each stage ([1, 2, 4, 4]); one spatial halving between stages.
    public var dimMult: [Int]
    /// Residual blocks per encoder stage; the decoder has one more per stage (2).
    public var resBlockCount: Int
    /// Which encoder downsamplings also halve time ([false, true, true]); the decoder mirrors
    /// them. On a single frame the temporal convolutions are skipped, but their weights exist.
    public var temporalDownsample: [Bool]
    /// Dropout of the residual blocks (0; inactive at inference).
    public var dropout: Double
    /// Image channels (3).
    public var inputChannels: Int
    /// Per-channel mean of the raw latents, subtracted before the generator sees them.
    public var latentsMean: [Float]
    /// Per-channel standard deviation of the raw latents, divided out before the generator sees them.
    public var latentsStd: [Float]

    /// Image side / latent side: 2^(stages − 1) (8).
    public var spatialFactor: Int { 1 << (dimMult.count - 1) }
    /// Encoder channels after the first convolution, then after each stage: base·[1] + base·dimMult.
    var encoderChannels: [Int] { ([1] + dimMult).map { baseDim * $0 } }
    /// Decoder channels after the first convolution, then per up block: base·[last] + base·reversed(dimMult).
    var decoderChannels: [Int] { ([dimMult[dimMult.count - 1]] + dimMult.reversed()).map { baseDim * $0 } }

    /// A configuration with diffusers' defaults (Qwen-Image's VAE) unless given.
    public init(
        baseDim: Int = 96, zDim: Int = 16, dimMult: [Int] = [1, 2, 4, 4], resBlockCount: Int = 2,
        temporalDownsample: [Bool] = [false, true, true], dropout: Double = 0, inputChannels: Int = 3,
        latentsMean: [Float] = QwenImageVAEConfiguration.qwenImageLatentsMean,
        latentsStd: [Float] = QwenImageVAEConfiguration.qwenImageLatentsStd
    ) {
        self.baseDim = baseDim
        self.zDim = zDim
        self.dimMult = dimMult
        self.resBlockCount = resBlockCount
        self.temporalDownsample = temporalDownsample
        self.dropout = dropout
        self.inputChannels = inputChannels
        self.latentsMean = latentsMean
        self.latentsStd = latentsStd
    }

    /// Qwen-Image's latent means (diffusers' default `latents_mean`).
    public static let qwenImageLatentsMean: [Float] = [
        -0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
        0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921,
    ]
    /// Qwen-Image's latent standard deviations (diffusers' default `latents_std`).
    public static let qwenImageLatentsStd: [Float] = [
        2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
        3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160,
    ]

    /// Reads and checks a diffusers `config.json`.
    ///
    /// - Throws: ``ModelIOError`` for unreadable or malformed JSON, an unknown key (named, with the
    ///   nearest valid key) or a value of the wrong type; ``GeneratorError/invalidConfiguration(file:key:reason:)``
    ///   for another model class, `attn_scales` naming a stage, or inconsistent sizes.
    public init(contentsOf url: URL) throws {
        let document = try StrictConfigDecoder.decode(Document.self, contentsOf: url, keys: Document.CodingKeys.self)
        let file = url.path(percentEncoded: false)
        if let className = document.className, className != "AutoencoderKLQwenImage" {
            throw GeneratorError.invalidConfiguration(
                file: file, key: Document.CodingKeys.className.rawValue,
                reason: "expected AutoencoderKLQwenImage, found \(className)")
        }
        let defaults = QwenImageVAEConfiguration()
        let stageScales = (0..<(document.dimMult ?? defaults.dimMult).count).map { 1 / Double(1 << $0) }
        if let scales = document.attnScales, let scale = scales.first(where: stageScales.contains) {
            throw GeneratorError.invalidConfiguration(
                file: file, key: Document.CodingKeys.attnScales.rawValue,
                reason: "\(scale) is the scale of an encoder stage, which would get attention blocks that "
                    + "diffusers' encoder cannot run; expected [] (found \(scales))")
        }
        self.init(
            baseDim: document.baseDim ?? defaults.baseDim, zDim: document.zDim ?? defaults.zDim,
            dimMult: document.dimMult ?? defaults.dimMult,
            resBlockCount: document.resBlockCount ?? defaults.resBlockCount,
            temporalDownsample: document.temporalDownsample ?? defaults.temporalDownsample,
            dropout: document.dropout ?? defaults.dropout,
            inputChannels: document.inputChannels ?? defaults.inputChannels,
            latentsMean: document.latentsMean ?? defaults.latentsMean,
            latentsStd: document.latentsStd ?? defaults.latentsStd)
        try validate(file: file)
    }

    /// Checks sizes and lengths: positive widths, one temporal flag per downsampling, one
    /// mean and a positive standard deviation per latent channel.
    ///
    /// - Throws: ``GeneratorError/invalidConfiguration(file:key:reason:)`` naming the key.
    public func validate(file: String) throws {
        func invalid(_ key: Document.CodingKeys, _ reason: String) -> GeneratorError {
            .invalidConfiguration(file: file, key: key.rawValue, reason: reason)
        }
        let sizes: [(Document.CodingKeys, Int)] = [
            (.baseDim, baseDim), (.zDim, zDim), (.resBlockCount, resBlockCount), (.inputChannels, inputChannels),
        ]
        for (key, value) in sizes where value <= 0 { throw invalid(key, "must be positive, found \(value)") }
        guard !dimMult.isEmpty, dimMult.allSatisfy({ $0 > 0 }) else {
            throw invalid(.dimMult, "expected a non-empty list of positive multipliers, found \(dimMult)")
        }
        // The decoder's upsamplers halve their width (rounding down, as diffusers' `dim // 2`).
        guard decoderChannels[1..<dimMult.count].allSatisfy({ $0 >= 2 }) else {
            throw invalid(.dimMult,
                          "base_dim \(baseDim) · dim_mult \(dimMult) leaves no channels after a decoder upsampler")
        }
        guard temporalDownsample.count == dimMult.count - 1 else {
            throw invalid(
                .temporalDownsample,
                "expected \(dimMult.count - 1) flags (one per downsampling), found \(temporalDownsample.count)")
        }
        guard dropout >= 0 && dropout < 1 else {
            throw invalid(.dropout, "expected 0 ≤ dropout < 1, found \(dropout)")
        }
        guard latentsMean.count == zDim else {
            throw invalid(.latentsMean, "expected \(zDim) values (z_dim), found \(latentsMean.count)")
        }
        guard latentsStd.count == zDim, latentsStd.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw invalid(.latentsStd, "expected \(zDim) positive values (z_dim), found \(latentsStd)")
        }
    }

    /// The document as written; absent (or null) keys are nil.
    private struct Document: Decodable {
        var className: String?
        var baseDim: Int?
        var zDim: Int?
        var dimMult: [Int]?
        var resBlockCount: Int?
        var attnScales: [Double]?
        var temporalDownsample: [Bool]?
        var dropout: Double?
        var inputChannels: Int?
        var latentsMean: [Float]?
        var latentsStd: [Float]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case className = "_class_name", diffusersVersion = "_diffusers_version", nameOrPath = "_name_or_path"
            case baseDim = "base_dim", zDim = "z_dim", dimMult = "dim_mult", resBlockCount = "num_res_blocks"
            case attnScales = "attn_scales", temporalDownsample = "temperal_downsample", dropout
            case inputChannels = "input_channels", latentsMean = "latents_mean", latentsStd = "latents_std"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func value<T: Decodable>(_ key: CodingKeys) throws -> T? { try c.decodeIfPresent(T.self, forKey: key) }
            // Bookkeeping keys: checked for their type only.
            let _: String? = try value(.diffusersVersion), _: String? = try value(.nameOrPath)
            className = try value(.className)
            baseDim = try value(.baseDim)
            zDim = try value(.zDim)
            dimMult = try value(.dimMult)
            resBlockCount = try value(.resBlockCount)
            attnScales = try value(.attnScales)
            temporalDownsample = try value(.temporalDownsample)
            dropout = try value(.dropout)
            inputChannels = try value(.inputChannels)
            latentsMean = try value(.latentsMean)
            latentsStd = try value(.latentsStd)
        }
    }
}
