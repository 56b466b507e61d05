#if arch(x86_64)
import _Builtin_intrinsics.intel
import QuantFormats

/// Vectorised activation quantizers (ggml's AVX2 `quantize_row_q8_0` / `q8_1` and `quantize_row_q8_K_ref`). Each
/// writes exactly the bytes of the scalar `FormatTraits.X.quantizeActivations`, so the fast kernels see the integers
/// the scalar reference sees; `AVX2QuantizeTests` compares them on random and edge inputs.
///
/// Where the two could part (NaN or infinite input, or a block so tiny that 127 / amax overflows) the conversion
/// yields the int32 "indefinite" value 0x80000000 that a clamp cannot tell apart; such a block is handed to the scalar
/// quantizer, which defines those cases. Normal data never takes that path.
public enum AVX2Quantize {
    /// ggml's CPU `quantize_row_q8_0`: d = amax / 127, q = rint(x * 127 / amax).
    public static let q8_0: QuantizeRow = { x, y, count in
        precondition(count % Q8_0.blockSize == 0, "q8_0 rows are whole blocks of 32")
        for block in 0..<count / Q8_0.blockSize {
            let source = x + block * Q8_0.blockSize, out = y + block * Q8_0.bytesPerBlock
            guard let block = codes32(source) else {
                FormatTraits.q8_0.quantizeActivations(source, out, Q8_0.blockSize)
                continue
            }
            out.storeBytes(of: Scalars.halfBits(block.d), toByteOffset: 0, as: UInt16.self)
            out.storeBytes(of: block.codes, toByteOffset: 2, as: __m256i.self)
        }
    }

    /// ggml's CPU `quantize_row_q8_1`: q8_0's codes plus s = d * sum(q).
    public static let q8_1: QuantizeRow = { x, y, count in
        precondition(count % Q8_1.blockSize == 0, "q8_1 rows are whole blocks of 32")
        for block in 0..<count / Q8_1.blockSize {
            let source = x + block * Q8_1.blockSize, out = y + block * Q8_1.bytesPerBlock
            guard let block = codes32(source) else {
                FormatTraits.q8_1.quantizeActivations(source, out, Q8_1.blockSize)
                continue
            }
            out.storeBytes(of: Scalars.halfBits(block.d), toByteOffset: 0, as: UInt16.self)
            out.storeBytes(of: Scalars.halfBits(Float(block.sum) * block.d), toByteOffset: 2, as: UInt16.self)
            out.storeBytes(of: block.codes, toByteOffset: 4, as: __m256i.self)
        }
    }

    /// ggml's `quantize_row_q8_K` (x86 calls the reference): iscale = -127 / max for the signed value of largest
    /// magnitude, q = min(127, nearest_int(iscale * x)) kept as its low byte, d = 1 / iscale, int16 sums per 16.
    public static let q8_K: QuantizeRow = { x, y, count in
        precondition(count % Q8_K.blockSize == 0, "q8_K rows are whole blocks of 256")
        for block in 0..<count / Q8_K.blockSize {
            quantizeQ8_KBlock(x + block * Q8_K.blockSize, y + block * Q8_K.bytesPerBlock)
        }
    }

    /// One block of 32: the scale d = amax / 127, the 32 codes rint(x * 127 / amax) in order, and their sum; nil
    /// when any lane converts to the indefinite value (see the type's note).
    @inline(__always)
    static func codes32(_ x: UnsafePointer<Float>) -> (d: Float, codes: __m256i, sum: Int32)? {
        let signBit = _mm256_set1_ps(-0.0)
        let v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24)
        // max(|v|, m) returns m for a NaN |v|: NaN is skipped, as the scalar `amax < |x|` test skips it.
        var amaxes = _mm256_max_ps(_mm256_andnot_ps(signBit, v0), _mm256_andnot_ps(signBit, v1))
        amaxes = _mm256_max_ps(_mm256_andnot_ps(signBit, v2), amaxes)
        amaxes = _mm256_max_ps(_mm256_andnot_ps(signBit, v3), amaxes)
        let amax = maxLane(amaxes)
        let multiplier = _mm256_set1_ps(amax != 0 ? 127 / amax : 0)
        // cvtps2dq rounds with MXCSR's default mode, nearest-even: the scalar `rint`.
        let i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, multiplier)), i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, multiplier))
        let i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, multiplier)), i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, multiplier))
        let indefinite = _mm256_set1_epi32(Int32.min)
        let bad = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi32(i0, indefinite), _mm256_cmpeq_epi32(i1, indefinite)),
                                  _mm256_or_si256(_mm256_cmpeq_epi32(i2, indefinite), _mm256_cmpeq_epi32(i3, indefinite)))
        guard _mm256_testz_si256(bad, bad) != 0 else { return nil }
        // |x * 127 / amax| <= 127 after rounding, so the saturating packs below never saturate.
        let sums = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3))
        let packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3))
        // The packs work per 128-bit half; this puts the 4-byte groups back in order.
        let codes = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7))
        return (amax / 127, codes, sumLanes(sums))
    }

    /// One q8_K block of 256 values at `x` into the 292 bytes at `out`.
    static func quantizeQ8_KBlock(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        let signBit = _mm256_set1_ps(-0.0)
        var amaxes = _mm256_setzero_ps()
        for i in stride(from: 0, to: Q8_K.blockSize, by: 8) {
            amaxes = _mm256_max_ps(_mm256_andnot_ps(signBit, _mm256_loadu_ps(x + i)), amaxes)
        }
        let amax = maxLane(amaxes)
        guard amax != 0 else {
            out.initializeMemory(as: UInt8.self, repeating: 0, count: Q8_K.bytesPerBlock)
            return
        }
        // The signed value of largest magnitude: the first x with |x| == amax, as the scalar scan keeps the first.
        // amax > 0, so equal floats are equal bit patterns.
        var max = amax
        let amaxBits = _mm256_castps_si256(_mm256_set1_ps(amax))
        for i in stride(from: 0, to: Q8_K.blockSize, by: 8) {
            let magnitudes = _mm256_castps_si256(_mm256_andnot_ps(signBit, _mm256_loadu_ps(x + i)))
            let hits = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(magnitudes, amaxBits)))
            if hits != 0 {
                max = x[i + Int(hits.trailingZeroBitCount)]
                break
            }
        }
        let iscale = -127 / max
        let scale = _mm256_set1_ps(iscale)
        // nearest_int(v) = bits(v + 1.5 * 2^23) & 0x7fffff - 0x400000, the same float add and integer steps as
        // `Scalars.nearestInt`, so even garbage-in gives the scalar's garbage-out.
        let magic = _mm256_set1_ps(12_582_912), mantissa = _mm256_set1_epi32(0x007f_ffff), bias = _mm256_set1_epi32(0x0040_0000)
        let limit = _mm256_set1_epi32(127), lowByte = _mm256_set1_epi32(0xff)
        let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)
        for group in 0..<Q8_K.blockSize / 32 {
            var codes = InlineArray<4, __m256i>(repeating: _mm256_setzero_si256())
            var groupSums = InlineArray<2, __m256i>(repeating: _mm256_setzero_si256())
            for part in 0..<4 {
                let v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 32 * group + 8 * part), scale), magic)
                let q = _mm256_min_epi32(_mm256_sub_epi32(_mm256_and_si256(_mm256_castps_si256(v), mantissa), bias), limit)
                // The int8 the scalar code stores (its low byte), sign-extended for the 16-value sums.
                let byte = _mm256_srai_epi32(_mm256_slli_epi32(q, 24), 24)
                codes[part] = _mm256_and_si256(q, lowByte)
                groupSums[part / 2] = _mm256_add_epi32(groupSums[part / 2], byte)
            }
            // Low bytes 0...255 pass the unsigned packs unchanged: truncation, as the scalar `truncatingIfNeeded`.
            let packed = _mm256_packus_epi16(_mm256_packus_epi32(codes[0], codes[1]), _mm256_packus_epi32(codes[2], codes[3]))
            out.storeBytes(of: _mm256_permutevar8x32_epi32(packed, order), toByteOffset: 4 + 32 * group, as: __m256i.self)
            let first = Int16(truncatingIfNeeded: sumLanes(groupSums[0])), second = Int16(truncatingIfNeeded: sumLanes(groupSums[1]))
            out.storeBytes(of: first.littleEndian, toByteOffset: 260 + 4 * group, as: Int16.self)
            out.storeBytes(of: second.littleEndian, toByteOffset: 262 + 4 * group, as: Int16.self)
        }
        out.storeBytes(of: (1 / iscale).bitPattern.littleEndian, toByteOffset: 0, as: UInt32.self)
    }

    @inline(__always) static func maxLane(_ v: __m256) -> Float {
        let quad = _mm_max_ps(v.highHalf, v.lowHalf)
        let pair = _mm_max_ps(_mm_movehl_ps(quad, quad), quad)
        return Swift.max(pair[1], pair[0])
    }

    @inline(__always) static func sumLanes(_ v: __m256i) -> Int32 {
        unsafeBitCast(v, to: SIMD8<Int32>.self).wrappedSum()
    }
}
#endif
