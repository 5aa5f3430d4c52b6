// swift-tools-version: 6.1
//
// MoKus in Swift: knowledge editing for the LLM text encoders of text-to-image models.
// The folder tree reads as the architecture; see docs/architecture.md.

import PackageDescription

/// Instruction set for the element-wise kernels. Swift compiles for baseline x86-64 (SSE2) by
/// default, which makes the vectorised exp/tanh/norm loops 2–3× slower than with AVX2 + FMA.
/// On x86-64 we target Haswell-class CPUs (AVX2, FMA; every x86-64 server CPU since ~2015).
/// Set `MOKUS_TARGET_CPU` to override it when building (`x86-64` for older CPUs, `znver4` or
/// `skylake-avx512` for AVX-512), or to an empty string to pass no flag at all.
let kernelSettings: [SwiftSetting] = {
    #if arch(x86_64)
    let cpu = Context.environment["MOKUS_TARGET_CPU"] ?? "haswell"
    return cpu.isEmpty ? [] : [.unsafeFlags(["-target-cpu", cpu])]
    #else
    return []
    #endif
}()

let package = Package(
    name: "MoKus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "CUDA", targets: ["CUDA"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Linalg", targets: ["Linalg"]),
        .library(name: "ModelIO", targets: ["ModelIO"]),
        .library(name: "ModelInterfaces", targets: ["ModelInterfaces"]),
        .library(name: "KnowledgeEditing", targets: ["KnowledgeEditing"]),
        .library(name: "Statistics", targets: ["Statistics"]),
        .library(name: "TextEncoders", targets: ["TextEncoders"]),
        .library(name: "ROME", targets: ["ROME"]),
        .library(name: "MEMIT", targets: ["MEMIT"]),
        .library(name: "AlphaEdit", targets: ["AlphaEdit"]),
        .library(name: "UltraEdit", targets: ["UltraEdit"]),
        .library(name: "Generators", targets: ["Generators"]),
        .library(name: "MoKus", targets: ["MoKus"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Evaluator", targets: ["Evaluator"]),
        .library(name: "World", targets: ["World"]),
        .executable(name: "mokus", targets: ["mokus"]),
        .executable(name: "mokus-bench", targets: ["mokus-bench"]),
        .executable(name: "mokus-cuda", targets: ["mokus-cuda"]),
    ],
    dependencies: [
        // YAML (hparams, configs): Yams vendors libyaml, so no system YAML library is needed to build.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The mokus command line.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Zip archives: NumPy .npz files (zips of .npy arrays), as EasyEdit/ROME store layer statistics.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libopenblas-dev liblapacke-dev libpng-dev libturbojpeg0-dev).
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        // libjpeg-turbo's TurboJPEG API (Debian libturbojpeg0-dev): concept photos are usually JPEG.
        // TurboJPEG reports errors as return codes; the classic libjpeg API reports them through
        // setjmp/longjmp, which Swift cannot use safely (as libpng's classic API, see CPNG).
        .systemLibrary(
            name: "CJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]),
        // glibc's <malloc.h> (mallopt), part of libc6-dev.
        .systemLibrary(name: "CMalloc"),

        // Tensors: storage, kernels, autodiff; every matrix product goes through CBLAS.
        .target(
            name: "Tensors",
            dependencies: ["COpenBLAS", .target(name: "CMalloc", condition: .when(platforms: [.linux]))],
            swiftSettings: kernelSettings),

        // CUDA: the GPU backend, loaded at run time (dlopen of libcuda, NVRTC, cuBLAS; nothing links
        // CUDA at build time); Tensors for storage types and the CPU ops its parity suite checks against.
        .target(name: "CUDA", dependencies: ["Tensors"]),

        // Tokenizers: byte-level BPE from tokenizer.json, and BPE training that writes one (Foundation:
        // NSRegularExpression, NFC); ModelIO for atomic writes and one-line wording of file errors.
        .target(name: "Tokenizers", dependencies: ["ModelIO"]),

        // Imaging: PNG through libpng's simplified API (CPNG), JPEG decoding through TurboJPEG (CJPEG);
        // image <-> Tensor conversion (Tensors); ModelIO for one-line wording of file errors.
        .target(name: "Imaging", dependencies: ["CPNG", "CJPEG", "Tensors", "ModelIO"]),

        // Linalg: Float32/Float64 LAPACK facade (CLAPACKE), sgemm/dgemm products (COpenBLAS),
        // conversion to and from Tensor (Tensors).
        .target(name: "Linalg", dependencies: ["CLAPACKE", "COpenBLAS", "Tensors"]),

        // ModelIO: safetensors read/write, strict config decoding, NumPy .npy/.npz reading; converts
        // to Tensor (Tensors), reads YAML configs (Yams), unzips .npz archives (ZIPFoundation).
        .target(
            name: "ModelIO",
            dependencies: ["Tensors", .product(name: "Yams", package: "Yams"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]),

        // ModelInterfaces: what models and editors share (TextEncoder, TokenBatch, ForwardHooks,
        // TextTokenizer, Generator, PromptEmbeddings, ProgressReporter), over Tensors' Tensor and DType.
        .target(name: "ModelInterfaces", dependencies: ["Tensors"]),

        // KnowledgeEditing: the editing core (KnowledgeEditor, sessions, hparams, requests, metrics) over
        // the models' interfaces (ModelInterfaces) and Tensors; edit files and hparams are read and
        // written through ModelIO.
        .target(name: "KnowledgeEditing", dependencies: ["ModelInterfaces", "Tensors", "ModelIO"]),
        // Statistics: layer statistics beside the core (corpus reading, second-moment accumulation,
        // caching, provenance, EasyEdit .npz import); keys are captured through any TextEncoder's
        // hooks (ModelInterfaces); statistics files, SHA-256 and .npz arrays through ModelIO.
        .target(name: "Statistics", dependencies: ["ModelInterfaces", "ModelIO", "Tensors"]),
        // TextEncoders: Hugging Face architectures behind the TextEncoder protocol (ModelInterfaces),
        // loaded from safetensors (ModelIO), tokenised with byte-level BPE (Tokenizers).
        .target(name: "TextEncoders", dependencies: ["ModelInterfaces", "ModelIO", "Tensors", "Tokenizers"]),

        // Editors: runtime plugins (ordinary library targets), registered by alg_name in the CLI; each
        // edits any TextEncoder through its hooks (ModelInterfaces).
        // ROME: the core's locate-then-edit machinery (KnowledgeEditing); the C⁻¹k̄ solve (Linalg).
        .target(name: "ROME", dependencies: ["KnowledgeEditing", "Linalg", "ModelInterfaces", "Tensors"], path: "Plugins/ROME"),
        // MEMIT: the same machinery; the Float64 covariance-regularised solve (Linalg).
        .target(name: "MEMIT", dependencies: ["KnowledgeEditing", "Linalg", "ModelInterfaces", "Tensors"], path: "Plugins/MEMIT"),
        // AlphaEdit: the same machinery; the null-space eigendecomposition and Float64 solve (Linalg);
        // SHA-256 of the layer statistics in the projector's cache key (ModelIO); its hparams extend
        // MEMIT's (MEMIT).
        .target(
            name: "AlphaEdit", dependencies: ["KnowledgeEditing", "Linalg", "MEMIT", "ModelIO", "ModelInterfaces", "Tensors"],
            path: "Plugins/AlphaEdit"),
        // UltraEdit: hooks, tape and hparams from the core (KnowledgeEditing); the n×n Float64 ridge solve (Linalg).
        .target(name: "UltraEdit", dependencies: ["KnowledgeEditing", "Linalg", "ModelInterfaces", "Tensors"], path: "Plugins/UltraEdit"),

        // Generators: the Qwen-Image MMDiT, flow-matching sampler, VAE and LoRA behind the
        // Generator protocol (ModelInterfaces), loaded from diffusers folders (ModelIO); prompt
        // embeddings come from any TextEncoder (ModelInterfaces).
        .target(name: "Generators", dependencies: ["ModelInterfaces", "ModelIO", "Tensors"]),

        // Training: the model-agnostic loop (tape, AdamW, schedules from Tensors; checkpoints through
        // ModelIO's safetensors and SHA-256) and Qwen2 causal-LM pretraining on TextEncoders' models
        // (loaded, run through the TextEncoder interface from ModelInterfaces, tokenised);
        // rectified-flow training of Generators' Qwen-Image transformer (models never import Training).
        .target(name: "Training", dependencies: ["Tensors", "ModelIO", "ModelInterfaces", "TextEncoders", "Generators"]),

        // MoKus: textual knowledge updating; edits through the core's editor protocol and sessions
        // (KnowledgeEditing) on any TextEncoder (ModelInterfaces); saves the edited encoder as a
        // checkpoint (TextEncoders' CheckpointExporter); wraps queries in the generator's Qwen-Image
        // prompt template (Generators). Concept learning: reads concept photos (Imaging), trains a LoRA on
        // the generator (Training's loop and DreamBooth-LoRA objective). Customisation: scores images with the
        // image evaluator (Evaluator), writes the customised pipeline folder atomically and words file errors in one line (ModelIO), images as Tensors.
        .target(
            name: "MoKus",
            dependencies: ["KnowledgeEditing", "ModelInterfaces", "TextEncoders", "Generators", "Imaging", "Training", "Evaluator", "ModelIO", "Tensors"]),

        // Evaluator: the tiny world's image evaluator, a CNN built from Tensors' ops (conv2d, autodiff,
        // AdamW); config.json and model.safetensors are read and written through ModelIO.
        .target(name: "Evaluator", dependencies: ["Tensors", "ModelIO"]),
        // World: the tiny world (renderer, entities, facts, splits, corpus); seeded RandomGenerator and
        // Tensor output (Tensors); images, PNG-ready masks and sample sheets (Imaging); atomic folders
        // (ModelIO). Its recipes train the world's tokenizer (Tokenizers), text encoder (Training;
        // TextEncoders loads it, as a ModelInterfaces TextEncoder scored by teacher forcing, for
        // evaluation) and image evaluator
        // (Evaluator) and generator (Generators' Qwen-Image transformer, prompt encoding and pipeline
        // folder; Training's rectified-flow objective).
        // Resources/world is the bundled world (world.json, tokenizer/, text_encoder/, evaluator/).
        .target(
            name: "World",
            dependencies: ["Tensors", "ModelIO", "Imaging", "Tokenizers", "Training", "TextEncoders", "ModelInterfaces", "Evaluator",
                           "Generators"],
            resources: [.copy("Resources/world")]),

        // Personalization: TokenVerse per-token modulation and Mod-Adapter (Evaluator backbone as its image encoder) on Generators' transformer (its TextModulation hook,
        // prompt template, pipeline), trained by Training's loop and rectified-flow step; Δ files through ModelIO;
        // concept PNGs (Imaging); the world evaluation renders World's concepts, scores them with the Evaluator
        // and writes its report with MoKus's report images. Models never import it.
        .target(
            name: "Personalization",
            dependencies: ["Generators", "Training", "ModelIO", "ModelInterfaces", "Imaging", "Tensors", "World", "Evaluator", "MoKus"]),

        // mokus: the CLI and composition root.
        .executableTarget(
            name: "mokus",
            dependencies: ["KnowledgeEditing", "ModelInterfaces", "Statistics", "TextEncoders", "Tensors", "Tokenizers", "ROME", "MEMIT", "AlphaEdit",
                           "UltraEdit", // registered in Editors.swift
                           "MoKus", // the knowledge-update command
                           "Training", // the pretrain command
                           "Generators", "Imaging", "ModelIO", // the generate command: sampling, PNG, safetensors
                           "World", "Evaluator", // the world command group (render, train, eval, score)
                           "Personalization", // the tokenverse commands
                           "CUDA", // info --system: the GPUs, or why CUDA cannot be used
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Benchmarks: a separate executable, never timed assertions in tests.
        // (References/ holds the numpy script it runs, in the same command, as the reference.)
        // (It also writes and opens a 2 GB checkpoint through ModelIO: the safetensors open benchmark.)
        // (It also times BPE encoding through Tokenizers, beside tiktoken as the reference.)
        // (AlphaEdit, UltraEdit: the lifelong-editing and 7B-scale UltraEdit sections; Generators: the
        // Qwen-Image block and tiny-sample rows, beside diffusers; Training: one pretraining step of a small
        // Qwen2, beside PyTorch; Evaluator: training and scoring on TestSupport's synthetic shapes;
        // World: the world generator's sampling and its recipe's training step, beside diffusers.)
        .executableTarget(
            name: "mokus-bench",
            dependencies: ["Tensors", "ModelIO", "Tokenizers", "KnowledgeEditing", "ModelInterfaces", "Statistics",
                           "TextEncoders", "ROME", "MEMIT", "AlphaEdit", "UltraEdit", "Generators", "Training", "Evaluator",
                           "World", "TestSupport"],
            exclude: ["References"]),

        // mokus-cuda: the CUDA backend's parity suite and timings, and a text encoder's forward on the GPU
        // (TextEncoders behind Tensor's CUDA backend); small enough to carry as a static binary.
        .executableTarget(
            name: "mokus-cuda",
            dependencies: ["CUDA", "Tensors", "TextEncoders", "ModelInterfaces",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["References"]), // the PyTorch timing script run beside it on the GPU machine

        .target(name: "TestSupport", dependencies: ["Tensors"], path: "Tests/TestSupport"),
        // EditingTestSupport: what the editor suites share (the tiny Qwen2 checkpoint, the tiny hparams
        // files, made-up facts as EditRequests from KnowledgeEditing, comparing results' deltas' Tensors).
        .target(name: "EditingTestSupport", dependencies: ["KnowledgeEditing", "Tensors"], path: "Tests/EditingTestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
        // PersonalizationTests: the TokenVerse objective on GeneratorsTests' tiny transformer fixture
        // (Generators loads it; Training's options), gradient checks through TestSupport.
        .testTarget(name: "PersonalizationTests", dependencies: ["Personalization", "Generators", "Tensors", "TestSupport", "Training"]),
        // CUDATests: the library search and typed errors without CUDA; on a GPU, the parity suite.
        .testTarget(name: "CUDATests", dependencies: ["CUDA", "Tensors"]),
        // ROME on the committed tiny fixtures (TextEncoders loads them); TestSupport for scratch folders.
        .testTarget(
            name: "ROMETests",
            dependencies: ["ROME", "KnowledgeEditing", "ModelInterfaces", "Statistics", "TextEncoders", "Tensors", "TestSupport"],
            exclude: ["Fixtures"]),
        // MEMIT on the committed tiny Qwen2 fixtures (random, and trained on a synthetic fact world);
        // EditingTestSupport here and in the next three suites: the shared tiny checkpoint, hparams and facts.
        .testTarget(
            name: "MEMITTests", dependencies: ["MEMIT", "EditingTestSupport", "KnowledgeEditing", "ModelInterfaces", "Statistics", "TextEncoders", "Tensors"],
            exclude: ["Fixtures"]),
        // AlphaEdit on the committed tiny Qwen2 fixture; Linalg for the projector's matrix checks.
        .testTarget(
            name: "AlphaEditTests", dependencies: ["AlphaEdit", "EditingTestSupport", "KnowledgeEditing", "Linalg", "ModelInterfaces", "TextEncoders", "Tensors"]),
        // UltraEdit on the committed tiny Qwen2 fixture (TextEncoders); Linalg for the direct-form ridge check;
        // TestSupport for scratch folders.
        .testTarget(
            name: "UltraEditTests",
            dependencies: ["UltraEdit", "EditingTestSupport", "KnowledgeEditing", "Linalg", "ModelInterfaces", "TextEncoders", "Tensors",
                           "TestSupport"]),
        // MoKus knowledge files, queries and updates; UltraEdit and ROME edit the tiny Qwen2 fixture (TextEncoders);
        // ModelInterfaces for the progress reporter the update is watched through. Concept learning on the generator
        // fixture (Generators), checked against Pillow and diffusers (Imaging, ModelIO, Tensors); resume errors
        // (Training); scratch folders (TestSupport).
        .testTarget(
            name: "MoKusTests",
            dependencies: ["MoKus", "EditingTestSupport", "UltraEdit", "ROME", "KnowledgeEditing", "ModelInterfaces", "TextEncoders",
                           "Generators", "Imaging", "ModelIO", "Tensors", "Training", "TestSupport",
                           "Evaluator"], // an untrained evaluator for the customisation scorer
            exclude: ["Fixtures"]),
        // The CLI's commands, parsed and run in-process.
        .testTarget(
            name: "mokusTests",
            dependencies: [
                "Personalization", // tokenverse's Δ files and typed errors
                "mokus", "KnowledgeEditing", "ModelInterfaces", "Statistics", "TextEncoders", "Tokenizers", "Generators", "Imaging", "ModelIO", "Tensors",
                "Training", // trains the tiny model that complete is tested on
                "World", "Evaluator", // the world commands (an untrained evaluator for world score's error cases)
                "MoKus", "TestSupport", // learn-concept's typed errors; scratch folders
                "EditingTestSupport", // the shared request list of the edit commands
            ]),
        .testTarget(
            name: "TextEncodersTests",
            dependencies: ["TextEncoders", "ModelInterfaces", "ModelIO", "Tensors", "TestSupport"],
            exclude: ["Fixtures"]),
        // GeneratorsTests: parity with diffusers on committed tiny fixtures (ModelIO reads them; the
        // end-to-end sample encodes its prompt with the tiny Qwen2.5-VL of TextEncoders' fixtures);
        // TestSupport for gradient checks.
        .testTarget(
            name: "GeneratorsTests",
            dependencies: ["Generators", "ModelInterfaces", "ModelIO", "Tensors", "TestSupport", "TextEncoders"],
            exclude: ["Fixtures"]),
        // TrainingTests: the loop, checkpoints/resume and LM pretraining; TextEncoders loads the trained
        // models, TestSupport for gradient checks; its fixtures hold the transformers parity checkpoint;
        // Generators runs the rectified-flow objective's transformer by hand.
        .testTarget(
            name: "TrainingTests",
            dependencies: ["Training", "TextEncoders", "ModelInterfaces", "ModelIO", "Tensors", "TestSupport", "Generators"],
            exclude: ["Fixtures"]),
        // WorldTests: the world, its text and renders; Imaging and Tensors for the images and tensors it checks;
        // TextEncoders, Evaluator and Generators load the bundled world's trained parts; TestSupport for scratch folders and recipe files.
        .testTarget(
            name: "WorldTests", dependencies: ["World", "Imaging", "Tensors", "TextEncoders", "Evaluator", "Generators", "TestSupport"]),
        // ImagingTests also uses Tensors directly (seeded RandomGenerator, Tensor values).
        // EvaluatorTests: training on shapes drawn in the test, scores, files and errors; Tensors for
        // the images; TestSupport for the network's gradient check.
        .testTarget(name: "EvaluatorTests", dependencies: ["Evaluator", "Tensors", "TestSupport"]),
        // TestSupport for scratch folders.
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "Tensors", "TestSupport"]),
        // LinalgTests also uses Tensors directly (seeded RandomGenerator, Tensor conversions).
        .testTarget(name: "LinalgTests", dependencies: ["Linalg", "Tensors"]),
        // ModelIOTests also uses Tensors directly (seeded RandomGenerator, DType encode/decode);
        // TestSupport for temporary directories.
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO", "Tensors", "TestSupport"], exclude: ["Fixtures"]),
        // TokenizersTests reads its fixtures (Qwen tokenizer.json, corpus, tiktoken ids) via #filePath;
        // TestSupport for scratch folders.
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "TestSupport"], exclude: ["Fixtures"]),
        // KnowledgeEditingTests: hparams, registry, templates, request files; ModelIO for the config
        // errors it checks and the fixture checkpoint's tensor names; Tensors for fake editors' results;
        // TextEncoders for the tiny random models; TestSupport for temporary directories; the four
        // editor plugins for their hparams types (decoded from the EasyEdit fixtures) and registration.
        .testTarget(
            name: "KnowledgeEditingTests",
            dependencies: ["KnowledgeEditing", "ModelIO", "ModelInterfaces", "Tensors", "TestSupport", "TextEncoders",
                           "ROME", "MEMIT", "AlphaEdit", "UltraEdit"],
            exclude: ["Fixtures"]),
        // StatisticsTests: corpora, accumulation, files, caching and .npz import (its fixtures, from a
        // committed numpy script); TextEncoders for the tiny random models statistics are computed on;
        // ModelIO for the file errors; TestSupport for temporary directories.
        .testTarget(
            name: "StatisticsTests",
            dependencies: ["Statistics", "ModelIO", "ModelInterfaces", "Tensors", "TestSupport", "TextEncoders"],
            exclude: ["Fixtures"]),
    ]
)
