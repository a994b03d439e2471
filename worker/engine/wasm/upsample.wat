;; The vertical pass of the fused upsample + smoothing (worker/engine/upsample-smooth.ts) for one map, two float64
;; lanes at a time (SIMD): out[y*size + x] = f32(sum over a in [lo_y, hi_y) of av[y*h + a] * tmp[a*size + x]),
;; each sum started at +0 and taken with a ascending: the same multiplies and adds, in the same order, as the
;; TypeScript loop, so the outputs are bit-identical (no fused multiply-add here or in V8).
;; Offsets are in bytes; size must be a multiple of 4. stats receives max and min of the float64 sums and 1.0 if
;; any sum is NaN (else 0.0).
(module
  (memory (export "memory") 1)
  (func (export "vpass")
    (param $tmp i32) (param $av i32) (param $rv i32) (param $out i32) (param $h i32) (param $size i32) (param $stats i32)
    (local $y i32) (local $x i32) (local $a i32) (local $hi i32) (local $t i32) (local $rowc i32) (local $o i32)
    (local $stride i32) (local $acc0 v128) (local $acc1 v128) (local $c v128)
    (local $vmax v128) (local $vmin v128) (local $vnan v128)
    (local.set $stride (i32.shl (local.get $size) (i32.const 3)))
    (local.set $vmax (f64x2.splat (f64.const -inf)))
    (local.set $vmin (f64x2.splat (f64.const inf)))
    (local.set $vnan (v128.const i64x2 0 0))
    (local.set $y (i32.const 0))
    (block $ydone
      (loop $yloop
        (br_if $ydone (i32.ge_u (local.get $y) (local.get $size)))
        (local.set $hi (i32.load offset=4 (i32.add (local.get $rv) (i32.shl (local.get $y) (i32.const 3)))))
        (local.set $rowc (i32.add (local.get $av) (i32.shl (i32.mul (local.get $y) (local.get $h)) (i32.const 3))))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $y) (local.get $size)) (i32.const 2))))
        (local.set $x (i32.const 0))
        (block $xdone
          (loop $xloop
            (br_if $xdone (i32.ge_u (local.get $x) (local.get $size)))
            (local.set $acc0 (v128.const i64x2 0 0))
            (local.set $acc1 (v128.const i64x2 0 0))
            (local.set $a (i32.load (i32.add (local.get $rv) (i32.shl (local.get $y) (i32.const 3)))))
            (local.set $t
              (i32.add (local.get $tmp)
                (i32.shl (i32.add (i32.mul (local.get $a) (local.get $size)) (local.get $x)) (i32.const 3))))
            (block $adone
              (loop $aloop
                (br_if $adone (i32.ge_u (local.get $a) (local.get $hi)))
                (local.set $c (f64x2.splat (f64.load (i32.add (local.get $rowc) (i32.shl (local.get $a) (i32.const 3))))))
                (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $c) (v128.load (local.get $t)))))
                (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $c) (v128.load offset=16 (local.get $t)))))
                (local.set $t (i32.add (local.get $t) (local.get $stride)))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br $aloop)))
            ;; four float32 outputs: [f32(acc0), f32(acc1)]
            (v128.store
              (i32.add (local.get $o) (i32.shl (local.get $x) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (local.get $acc0))
                (f32x4.demote_f64x2_zero (local.get $acc1))))
            (local.set $vmax (f64x2.max (local.get $vmax) (f64x2.max (local.get $acc0) (local.get $acc1))))
            (local.set $vmin (f64x2.min (local.get $vmin) (f64x2.min (local.get $acc0) (local.get $acc1))))
            (local.set $vnan
              (v128.or (local.get $vnan)
                (v128.or (f64x2.ne (local.get $acc0) (local.get $acc0)) (f64x2.ne (local.get $acc1) (local.get $acc1)))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $xloop)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $yloop)))
    (f64.store (local.get $stats)
      (f64.max (f64x2.extract_lane 0 (local.get $vmax)) (f64x2.extract_lane 1 (local.get $vmax))))
    (f64.store offset=8 (local.get $stats)
      (f64.min (f64x2.extract_lane 0 (local.get $vmin)) (f64x2.extract_lane 1 (local.get $vmin))))
    (f64.store offset=16 (local.get $stats)
      (select (f64.const 1) (f64.const 0) (v128.any_true (local.get $vnan))))))
