import Tensors

extension SafetensorsFile {
    /// Tensor `name` as Float32 from any numeric dtype: the float types as ``tensor(named:)``
    /// reads them, and BOOL, U8, I8, I16, U16, I32, U32, I64, U64 and F64 converted value by value
    /// (for masks and indices, which PyTorch saves as `int64` or `bool`: diffusers'
    /// `prompt_embeds_mask`). Integers beyond ±2²⁴ lose precision, as Float32 does; F8 types are
    /// not read.
    ///
    /// - Throws: ``ModelIOError/tensorNotFound(file:tensor:suggestions:)``, or
    ///   ``ModelIOError/notConvertibleToFloat(file:tensor:dtype:)`` for F8.
    /// - Complexity: O(element count).
    public func numericTensor(named name: String) throws -> Tensor {
        let info = try info(named: name)
        if info.dtype.floatStorage != nil { return try tensor(named: name) }
        let bytes = try rawBytes(named: name)
        let convert: (UnsafeRawPointer) -> Float
        switch info.dtype {
        case .bool, .uint8: convert = { Float($0.loadUnaligned(as: UInt8.self)) }
        case .int8: convert = { Float($0.loadUnaligned(as: Int8.self)) }
        case .int16: convert = { Float(Int16(littleEndian: $0.loadUnaligned(as: Int16.self))) }
        case .uint16: convert = { Float(UInt16(littleEndian: $0.loadUnaligned(as: UInt16.self))) }
        case .int32: convert = { Float(Int32(littleEndian: $0.loadUnaligned(as: Int32.self))) }
        case .uint32: convert = { Float(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        case .int64: convert = { Float(Int64(littleEndian: $0.loadUnaligned(as: Int64.self))) }
        case .uint64: convert = { Float(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        case .float64: convert = { Float(Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)))) }
        case .float8E5M2, .float8E4M3, .float16, .bfloat16, .float32:
            throw ModelIOError.notConvertibleToFloat(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
        let stride = info.dtype.byteSize
        return Tensor(shape: info.shape) { buffer in
            guard let source = bytes.baseAddress else { return }
            for index in 0..<buffer.count { buffer[index] = convert(source + index * stride) }
        }
    }
}
