import Foundation
import ModelIO

/// The shape of a Qwen-Image MMDiT: the `config.json` of a diffusers `transformer/` folder, read
/// strictly (diffusers `QwenImageTransformer2DModel.__init__` in
/// `src/diffusers/models/transformers/transformer_qwenimage.py`).
///
/// Keys: `patch_size`, `in_channels`, `out_channels` (null = `in_channels`), `num_layers`,
/// `attention_head_dim`, `num_attention_heads`, `joint_attention_dim`, `axes_dims_rope`, the flags
/// `guidance_embeds`, `zero_cond_t`, `use_additional_t_cond`, `use_layer3d_rope` (only false is
/// supported), diffusers' bookkeeping keys `_class_name`, `_diffusers_version`, `_name_or_path`, and
/// `pooled_projection_dim`, which the first diffusers release wrote into the published Qwen-Image
/// config and which never had parameters. Missing keys take diffusers' defaults (the 20 B model).
public struct QwenImageTransformerConfiguration: Sendable, Equatable {
    /// Side of the square latent patch packed into one token (2).
    public var patchSize: Int
    /// Channels of a packed image token: latent channels · patchSize² (64).
    public var inChannels: Int
    /// Latent channels of the prediction before packing (16).
    public var outChannels: Int
    /// Number of dual-stream blocks (60).
    public var layerCount: Int
    /// Width of one attention head (128).
    public var headDimension: Int
    /// Attention heads (24).
    public var headCount: Int
    /// Width of the text-encoder hidden states (3584).
    public var jointAttentionDim: Int
    /// Head-dimension split of the rotary embedding over (frame, height, width): (16, 56, 56).
    public var rotaryAxes: [Int]

    /// Model width D = heads · head width (3072).
    public var innerDim: Int { headCount * headDimension }
    /// Width of an output token: patchSize² · outChannels (64).
    public var outputWidth: Int { patchSize * patchSize * outChannels }
    /// ε of every LayerNorm and RMSNorm in the model.
    public static let normEpsilon: Float = 1e-6

    /// A configuration with diffusers' defaults (Qwen-Image's 20 B transformer) unless given.
    public init(
        patchSize: Int = 2, inChannels: Int = 64, outChannels: Int = 16, layerCount: Int = 60,
        headDimension: Int = 128, headCount: Int = 24, jointAttentionDim: Int = 3584,
        rotaryAxes: [Int] = [16, 56, 56]
    ) {
        self.patchSize = patchSize
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.layerCount = layerCount
        self.headDimension = headDimension
        self.headCount = headCount
        self.jointAttentionDim = jointAttentionDim
        self.rotaryAxes = rotaryAxes
    }

    /// Reads and checks a diffusers `config.json`.
    ///
    /// - Throws: ``ModelIOError`` for unreadable or malformed JSON, an unknown key (named, with the
    ///   nearest valid key) or a value of the wrong type; ``GeneratorError/invalidConfiguration(file:key:reason:)``
    ///   for an unsupported flag set to true, another model class, or inconsistent sizes.
    public init(contentsOf url: URL) throws {
        let file = url.path(percentEncoded: false)
        let document = try StrictConfigDecoder.decode(Document.self, contentsOf: url, keys: Document.CodingKeys.self)
        try self.init(document, file: file)
    }

    private init(_ document: Document, file: String) throws {
        func invalid(_ key: Document.CodingKeys, _ reason: String) -> GeneratorError {
            .invalidConfiguration(file: file, key: key.rawValue, reason: reason)
        }
        if let className = document.className, className != "QwenImageTransformer2DModel" {
            throw invalid(.className, "expected QwenImageTransformer2DModel, found \(className)")
        }
        let flags: [(Document.CodingKeys, Bool?)] = [
            (.guidanceEmbeds, document.guidanceEmbeds), (.zeroCondT, document.zeroCondT),
            (.useAdditionalTCond, document.useAdditionalTCond), (.useLayer3DRope, document.useLayer3DRope),
        ]
        for (key, value) in flags where value == true {
            throw invalid(key, "true is not supported (only the text-to-image Qwen-Image transformer is)")
        }
        let defaults = QwenImageTransformerConfiguration()
        self.init(
            patchSize: document.patchSize ?? defaults.patchSize,
            inChannels: document.inChannels ?? defaults.inChannels,
            outChannels: document.outChannelsIsNull
                ? document.inChannels ?? defaults.inChannels : document.outChannels ?? defaults.outChannels,
            layerCount: document.layerCount ?? defaults.layerCount,
            headDimension: document.headDimension ?? defaults.headDimension,
            headCount: document.headCount ?? defaults.headCount,
            jointAttentionDim: document.jointAttentionDim ?? defaults.jointAttentionDim,
            rotaryAxes: document.rotaryAxes ?? defaults.rotaryAxes)
        let sizes: [(Document.CodingKeys, Int)] = [
            (.patchSize, patchSize), (.inChannels, inChannels), (.outChannels, outChannels), (.layerCount, layerCount),
            (.headDimension, headDimension), (.headCount, headCount), (.jointAttentionDim, jointAttentionDim),
        ]
        for (key, value) in sizes where value <= 0 { throw invalid(key, "must be positive, found \(value)") }
        guard rotaryAxes.count == 3, rotaryAxes.allSatisfy({ $0 > 0 && $0 % 2 == 0 }) else {
            throw invalid(
                .rotaryAxes, "expected three positive even widths (frame, height, width), found \(rotaryAxes)")
        }
        guard rotaryAxes.reduce(0, +) == headDimension else {
            throw invalid(.rotaryAxes, "widths \(rotaryAxes) must add up to attention_head_dim \(headDimension)")
        }
    }

    /// The document as written; absent (or null) keys are nil. `out_channels: null` means "as
    /// `in_channels`", while an absent `out_channels` takes the default 16, as in diffusers.
    private struct Document: Decodable {
        var className: String?
        var patchSize: Int?
        var inChannels: Int?
        var outChannels: Int?
        var outChannelsIsNull: Bool
        var layerCount: Int?
        var headDimension: Int?
        var headCount: Int?
        var jointAttentionDim: Int?
        var rotaryAxes: [Int]?
        var guidanceEmbeds: Bool?
        var zeroCondT: Bool?
        var useAdditionalTCond: Bool?
        var useLayer3DRope: Bool?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func value<T: Decodable>(_ key: CodingKeys) throws -> T? { try c.decodeIfPresent(T.self, forKey: key) }
            // Bookkeeping keys: checked for their type only.
            let _: String? = try value(.diffusersVersion)
            let _: String? = try value(.nameOrPath)
            let _: Int? = try value(.pooledProjectionDim)
            className = try value(.className)
            patchSize = try value(.patchSize)
            inChannels = try value(.inChannels)
            outChannels = try value(.outChannels)
            outChannelsIsNull = try c.contains(.outChannels) && c.decodeNil(forKey: .outChannels)
            layerCount = try value(.layerCount)
            headDimension = try value(.headDimension)
            headCount = try value(.headCount)
            jointAttentionDim = try value(.jointAttentionDim)
            rotaryAxes = try value(.rotaryAxes)
            guidanceEmbeds = try value(.guidanceEmbeds)
            zeroCondT = try value(.zeroCondT)
            useAdditionalTCond = try value(.useAdditionalTCond)
            useLayer3DRope = try value(.useLayer3DRope)
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case className = "_class_name"
            case diffusersVersion = "_diffusers_version"
            case nameOrPath = "_name_or_path"
            case patchSize = "patch_size"
            case inChannels = "in_channels"
            case outChannels = "out_channels"
            case layerCount = "num_layers"
            case headDimension = "attention_head_dim"
            case headCount = "num_attention_heads"
            case jointAttentionDim = "joint_attention_dim"
            case pooledProjectionDim = "pooled_projection_dim"
            case rotaryAxes = "axes_dims_rope"
            case guidanceEmbeds = "guidance_embeds"
            case zeroCondT = "zero_cond_t"
            case useAdditionalTCond = "use_additional_t_cond"
            case useLayer3DRope = "use_layer3d_rope"
        }
    }
}
