/// GPT-2's reversible map between the 256 byte values and printable unicode characters, which
/// byte-level BPE vocabularies are written in (the space byte 0x20 is `Ġ`, U+0120).
///
/// Bytes `!`…`~`, `¡`…`¬` and `®`…`ÿ` map to the character with the same code; the other 68 bytes
/// map, in increasing order, to U+0100, U+0101, … (`bytes_to_unicode` in OpenAI's `encoder.py`).
enum ByteLevel {
    /// `characterForByte[b]` is the vocabulary character of byte `b`.
    static let characterForByte: [Unicode.Scalar] = {
        var characters = [Unicode.Scalar](repeating: "\0", count: 256)
        var nextUnprintable: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                characters[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                characters[byte] = Unicode.Scalar(nextUnprintable) ?? "\u{FFFD}"   // 256…323: always valid
                nextUnprintable += 1
            }
        }
        return characters
    }()

    /// Inverse of `characterForByte`, indexed by scalar value (all values are below 0x144); -1 where
    /// the scalar is not a byte character.
    static let byteForCharacter: [Int16] = {
        var bytes = [Int16](repeating: -1, count: 0x144)
        for (byte, character) in characterForByte.enumerated() {
            bytes[Int(character.value)] = Int16(byte)
        }
        return bytes
    }()

    /// The vocabulary spelling of `bytes`.
    static func token<Bytes: Sequence<UInt8>>(forBytes bytes: Bytes) -> String {
        var token = String.UnicodeScalarView()
        for byte in bytes {
            token.append(characterForByte[Int(byte)])
        }
        return String(token)
    }

    /// The bytes a vocabulary token stands for, or nil when a character of `token` is not one of the
    /// 256 byte characters (added tokens such as `<|im_end|>` are usually spelled in byte characters;
    /// ones that are not, e.g. containing a space, are not).
    static func bytes(forToken token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            let value = Int(scalar.value)
            guard value < byteForCharacter.count, byteForCharacter[value] >= 0 else { return nil }
            bytes.append(UInt8(byteForCharacter[value]))
        }
        return bytes
    }

    /// The bytes that HF's `ByteLevel` decoder emits for one token: its byte characters mapped back
    /// to bytes when every character is one, else the token's own UTF-8 (`decode_chain` in
    /// `tokenizers/src/pre_tokenizers/byte_level.rs`).
    static func decodedBytes(ofToken token: String) -> [UInt8] {
        bytes(forToken: token) ?? Array(token.utf8)
    }
}
