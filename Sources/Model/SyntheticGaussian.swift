import KernelCore

/// Standard normal samples by Box-Muller, `sqrt(-2 ln u1) * (cos 2πu2, sin 2πu2)`, with the logarithm, sine and cosine
/// computed here in plain `Float` arithmetic rather than by the C library.
///
/// Two reasons. Speed: the built-in model draws about 16 M values, and the library's double-precision `log`, `cos` and
/// `sin` made that the slowest part of writing it (about 0.4 s on one core), while these polynomials cost a few
/// nanoseconds per pair. Reproducibility: `log` and `cos` may differ in the last bit between C libraries (glibc,
/// Darwin), which would change the quantized bytes; additions and multiplications are exact IEEE operations
/// everywhere (Swift does not fuse them), so the same seed gives the same file on every platform.
///
/// Each pair uses one 64-bit draw: the high 32 bits give `u1` in (0, 1] and the low 32 bits `u2` in [0, 1), 24 bits
/// each. The smallest `u1` is 2^-24, so samples are bounded by sqrt(2 * 24 * ln 2) ≈ 5.77 standard deviations. The
/// polynomials are accurate to a few units in the last place of `Float` (`SyntheticModelTests` checks them against
/// the library functions).
enum SyntheticGaussian {
    /// Fills `count` values with `mean + std * N(0, 1)`.
    static func fill(_ rng: inout SplitMix64, _ p: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        var i = 0
        while i + 2 <= count {
            let (a, b) = pair(rng.next())
            p[i] = mean + std * a
            p[i + 1] = mean + std * b
            i += 2
        }
        if i < count { p[i] = mean + std * pair(rng.next()).0 }
    }

    /// Two independent standard normal values from one 64-bit random word.
    @inline(__always)
    static func pair(_ bits: UInt64) -> (Float, Float) {
        let u1 = Float(UInt32(truncatingIfNeeded: bits >> 40) + 1) * 0x1p-24         // (0, 1]
        let u2 = Float(UInt32(truncatingIfNeeded: bits >> 8) & 0xFF_FFFF) * 0x1p-24   // [0, 1)
        let r = (-2 * log(u1)).squareRoot()
        let (c, s) = cosSinTurns(u2)
        return (r * c, r * s)
    }

    // The choices below are made with integer and bit operations, not branches: they depend on random bits, so a
    // branch would be mispredicted half the time, which costs more than all the arithmetic.

    /// ln x for a positive normal `Float`: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) for
    /// s = (m - 1) / (m + 1), |s| < 0.172, summed to s^9 (the next term is below 2^-30).
    @inline(__always)
    static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        let mantissa = bits & 0x7F_FFFF
        let high: UInt32 = mantissa > 0x35_04F3 ? 1 : 0   // 1.mantissa > sqrt(2) (0x3FB504F3): halve it
        let m = Float(bitPattern: mantissa | (0x3F80_0000 - high << 23))
        let e = Int32(bitPattern: (bits >> 23) & 0xFF) - 127 + Int32(bitPattern: high)
        let s = (m - 1) / (m + 1), s2 = s * s
        let series = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9)))))
        return Float(e) * 0.693147180559945 + series
    }

    /// (cos 2πt, sin 2πt) for t in [0, 1): the quarter turn is found from 4t, and the angle within it, x in
    /// [0, π/2), goes through Taylor polynomials (to x^12 for cos, x^13 for sin: truncation below 1e-8).
    @inline(__always)
    static func cosSinTurns(_ t: Float) -> (Float, Float) {
        let quarters = t * 4
        let q = Int32(quarters)
        let x = (quarters - Float(q)) * 1.57079632679490
        let x2 = x * x
        let c = 1 + x2 * (-1.0 / 2 + x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40_320
                + x2 * (-1.0 / 3_628_800 + x2 * (1.0 / 479_001_600))))))
        let s = x * (1 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5_040 + x2 * (1.0 / 362_880
                + x2 * (-1.0 / 39_916_800 + x2 * (1.0 / 6_227_020_800)))))))
        // Quarter 0: (c, s); 1: (-s, c); 2: (-c, -s); 3: (s, -c): swap on odd quarters, then flip sign bits.
        let quarter = UInt32(bitPattern: q)
        let swap = 0 &- (quarter & 1)                                  // all ones on odd quarters
        let (cb, sb) = (c.bitPattern, s.bitPattern)
        let cosine = (sb & swap) | (cb & ~swap), sine = (cb & swap) | (sb & ~swap)
        let cosineSign = ((quarter &+ 1) >> 1 & 1) << 31, sineSign = (quarter >> 1 & 1) << 31
        return (Float(bitPattern: cosine ^ cosineSign), Float(bitPattern: sine ^ sineSign))
    }
}
