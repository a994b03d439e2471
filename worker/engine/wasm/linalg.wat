;; addDots of worker/engine/linalg.ts in wasm: out[i*n + j] += row_i(x) . row_j(y) for i < m and j < n (lower: j <= i,
;; rounded up to the 4-row block, as the TypeScript kernel does). Each dot product is the float64 sum over k = 0..d-1
;; from +0, in order, added once to out: the same bits as the TypeScript kernel. 4 x 4 register blocks hold two
;; columns per f64x2 lane pair (8 multiply-adds per 2 SIMD multiplies and adds, with no fused multiply-add). The
;; register blocks read y from py, y packed by 4-column block (block b, channel k: y[4b..4b+3][k] at (b*d + k)*4), so
;; each step loads the 4 columns as two v128 instead of 4 scalar loads and lane inserts; the order of every
;; multiply and add is unchanged. Offsets in bytes; x, y row-major (d float64 per row), out row-major with n columns.
(module
  (memory (export "memory") 1)
  (func $dot (param $x i32) (param $y i32) (param $d i32) (result f64)
    (local $s f64) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 3))))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $k)))
    (local.get $s))
  (func (export "dots")
    (param $x i32) (param $y i32) (param $m i32) (param $n i32) (param $d i32) (param $out i32) (param $lower i32)
    (param $py i32)
    (local $pk i32) (local $i i32) (local $j i32) (local $jEnd i32) (local $row i32) (local $r0 i32) (local $r1 i32) (local $r2 i32)
    (local $r3 i32) (local $c0 i32) (local $kk i32) (local $kEnd i32)
    (local $o i32) (local $r i32) (local $ldo i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local $a6 v128) (local $a7 v128) (local $y01 v128) (local $y23 v128) (local $xv v128)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (local.set $ldo (i32.shl (local.get $n) (i32.const 3)))
    (local.set $kEnd (local.get $row))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_s (i32.add (local.get $i) (i32.const 3)) (local.get $m)))
        (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $row))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $row)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $row)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $row)))
        (local.set $jEnd (local.get $n))
        (if (local.get $lower)
          (then (if (i32.lt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n))
            (then (local.set $jEnd (i32.add (local.get $i) (i32.const 4)))))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_s (i32.add (local.get $j) (i32.const 3)) (local.get $jEnd)))
            (local.set $pk (i32.add (local.get $py)
              (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (i32.shl (local.get $row) (i32.const 2)))))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $a4 (v128.const i64x2 0 0)) (local.set $a5 (v128.const i64x2 0 0))
            (local.set $a6 (v128.const i64x2 0 0)) (local.set $a7 (v128.const i64x2 0 0))
            (local.set $kk (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $kk) (local.get $kEnd)))
                (local.set $y01 (v128.load (local.get $pk)))
                (local.set $y23 (v128.load offset=16 (local.get $pk)))
                (local.set $xv (f64x2.splat (f64.load (i32.add (local.get $r0) (local.get $kk)))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xv) (local.get $y01))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xv) (local.get $y23))))
                (local.set $xv (f64x2.splat (f64.load (i32.add (local.get $r1) (local.get $kk)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xv) (local.get $y01))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xv) (local.get $y23))))
                (local.set $xv (f64x2.splat (f64.load (i32.add (local.get $r2) (local.get $kk)))))
                (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $xv) (local.get $y01))))
                (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $xv) (local.get $y23))))
                (local.set $xv (f64x2.splat (f64.load (i32.add (local.get $r3) (local.get $kk)))))
                (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $xv) (local.get $y01))))
                (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $xv) (local.get $y23))))
                (local.set $kk (i32.add (local.get $kk) (i32.const 8)))
                (local.set $pk (i32.add (local.get $pk) (i32.const 32)))
                (br $kloop)))
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $a0)))
            (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o)) (local.get $a1)))
            (local.set $o (i32.add (local.get $o) (local.get $ldo)))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $a2)))
            (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o)) (local.get $a3)))
            (local.set $o (i32.add (local.get $o) (local.get $ldo)))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $a4)))
            (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o)) (local.get $a5)))
            (local.set $o (i32.add (local.get $o) (local.get $ldo)))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $a6)))
            (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o)) (local.get $a7)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $jloop)))
        ;; the last columns one at a time
        (block $sdone
          (loop $sloop
            (br_if $sdone (i32.ge_s (local.get $j) (local.get $jEnd)))
            (local.set $c0 (i32.add (local.get $y) (i32.mul (local.get $j) (local.get $row))))
            (local.set $r (i32.const 0))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_s (local.get $r) (i32.const 4)))
                (local.set $o (i32.add (local.get $out)
                  (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (local.get $r)) (local.get $n)) (local.get $j)) (i32.const 3))))
                (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
                  (call $dot (i32.add (local.get $r0) (i32.mul (local.get $r) (local.get $row))) (local.get $c0) (local.get $d))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rloop)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $sloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop)))
    ;; the last rows one element at a time
    (block $tdone
      (loop $tloop
        (br_if $tdone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $jEnd (local.get $n))
        (if (local.get $lower) (then (local.set $jEnd (i32.add (local.get $i) (i32.const 1)))))
        (local.set $j (i32.const 0))
        (block $udone
          (loop $uloop
            (br_if $udone (i32.ge_s (local.get $j) (local.get $jEnd)))
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
              (call $dot (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $row)))
                (i32.add (local.get $y) (i32.mul (local.get $j) (local.get $row))) (local.get $d))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $uloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tloop))));; forwardSolveSquaredNorm of worker/engine/linalg.ts for 4 right-hand sides at once: L y = b, b packed by row
;; (b[i][c] at pb + (i*4 + c)*8, overwritten by y), y . y of each written to norms[0..3]. Lanes (0,1) and (2,3) are
;; two f64x2 chains each doing, per lane, exactly the TypeScript chain's operations: s = b_i; s = s - l_ik * y_k for
;; k = 0..i-1 in order; y_i = s / l_ii; norm = norm + y_i * y_i.
  (func (export "fsolve4") (param $l i32) (param $n i32) (param $pb i32) (param $norms i32)
    (local $i i32) (local $ri i32) (local $k i32) (local $pk i32) (local $pi i32) (local $xv v128)
    (local $s01 v128) (local $s23 v128) (local $n01 v128) (local $n23 v128) (local $dv v128)
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $l) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $pi (i32.add (local.get $pb) (i32.shl (local.get $i) (i32.const 5))))
        (local.set $s01 (v128.load (local.get $pi)))
        (local.set $s23 (v128.load offset=16 (local.get $pi)))
        (local.set $pk (local.get $pb))
        (local.set $k (local.get $ri))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $pk) (local.get $pi)))
            (local.set $xv (f64x2.splat (f64.load (local.get $k))))
            (local.set $s01 (f64x2.sub (local.get $s01) (f64x2.mul (local.get $xv) (v128.load (local.get $pk)))))
            (local.set $s23 (f64x2.sub (local.get $s23) (f64x2.mul (local.get $xv) (v128.load offset=16 (local.get $pk)))))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (local.set $pk (i32.add (local.get $pk) (i32.const 32)))
            (br $kloop)))
        (local.set $dv (f64x2.splat (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $s01 (f64x2.div (local.get $s01) (local.get $dv)))
        (local.set $s23 (f64x2.div (local.get $s23) (local.get $dv)))
        (v128.store (local.get $pi) (local.get $s01))
        (v128.store offset=16 (local.get $pi) (local.get $s23))
        (local.set $n01 (f64x2.add (local.get $n01) (f64x2.mul (local.get $s01) (local.get $s01))))
        (local.set $n23 (f64x2.add (local.get $n23) (f64x2.mul (local.get $s23) (local.get $s23))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop)))
    (v128.store (local.get $norms) (local.get $n01))
    (v128.store offset=16 (local.get $norms) (local.get $n23)))
;; choleskyShifted of worker/engine/linalg.ts: the lower factor of (a + shift I) into l (n x n row-major; the upper
;; part is left as the caller set it), 1 on success, 0 when a pivot is not positive. Rows of l are also kept in p,
;; packed by 4-row block (row r, column k at p + ((r >> 2)*n*4 + k*4 + (r & 3))*8), written as each entry is computed,
;; so that four entries of row i run as two f64x2 pairs of chains over k. Per entry the operations are the
;; TypeScript kernel's, in its order: s = a_ij (+ shift on the diagonal); s = s - l_ik * l_jk for k = 0..j-1; then
;; the block's finishing triangle, sqrt on the diagonal, division elsewhere.
  (func (export "chol") (param $a i32) (param $l i32) (param $p i32) (param $n i32) (param $shift f64) (result i32)
    (local $i i32) (local $j i32) (local $rowb i32) (local $ri i32) (local $ai i32) (local $pi i32) (local $rj i32)
    (local $pk i32) (local $x i32) (local $y i32) (local $kEnd i32) (local $diag i32) (local $cj i32)
    (local $xv v128) (local $s01 v128) (local $s23 v128)
    (local $s f64) (local $s1 f64) (local $s2 f64) (local $s3 f64) (local $y0 f64) (local $y1 f64) (local $y2 f64)
    (local $v f64)
    (local.set $rowb (i32.shl (local.get $n) (i32.const 3)))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $l) (i32.mul (local.get $i) (local.get $rowb))))
        (local.set $ai (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowb))))
        (local.set $pi (i32.add (local.get $p) (i32.add
          (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (i32.shl (local.get $rowb) (i32.const 2)))
          (i32.shl (i32.and (local.get $i) (i32.const 3)) (i32.const 3)))))
        (local.set $j (i32.const 0))
        ;; four entries j..j+3 of row i at once
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.gt_s (i32.add (local.get $j) (i32.const 3)) (local.get $i)))
            (local.set $rj (i32.add (local.get $l) (i32.mul (local.get $j) (local.get $rowb))))
            (local.set $cj (i32.shl (local.get $j) (i32.const 3)))
            (local.set $diag (i32.eq (i32.add (local.get $j) (i32.const 3)) (local.get $i)))
            (local.set $s01 (v128.load (i32.add (local.get $ai) (local.get $cj))))
            (local.set $s23 (v128.load offset=16 (i32.add (local.get $ai) (local.get $cj))))
            (if (local.get $diag)
              (then (local.set $s23 (f64x2.replace_lane 1 (local.get $s23)
                (f64.add (f64x2.extract_lane 1 (local.get $s23)) (local.get $shift))))))
            (local.set $pk (i32.add (local.get $p)
              (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (i32.shl (local.get $rowb) (i32.const 2)))))
            (local.set $x (local.get $ri))
            (local.set $kEnd (i32.add (local.get $ri) (local.get $cj)))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $x) (local.get $kEnd)))
                (local.set $xv (f64x2.splat (f64.load (local.get $x))))
                (local.set $s01 (f64x2.sub (local.get $s01) (f64x2.mul (local.get $xv) (v128.load (local.get $pk)))))
                (local.set $s23 (f64x2.sub (local.get $s23) (f64x2.mul (local.get $xv) (v128.load offset=16 (local.get $pk)))))
                (local.set $x (i32.add (local.get $x) (i32.const 8)))
                (local.set $pk (i32.add (local.get $pk) (i32.const 32)))
                (br $kloop)))
            (local.set $s1 (f64x2.extract_lane 1 (local.get $s01)))
            (local.set $s2 (f64x2.extract_lane 0 (local.get $s23)))
            (local.set $s3 (f64x2.extract_lane 1 (local.get $s23)))
            ;; y0 = s0 / l[j][j]
            (local.set $y0 (f64.div (f64x2.extract_lane 0 (local.get $s01)) (f64.load (i32.add (local.get $rj) (local.get $cj)))))
            (call $put (local.get $ri) (local.get $pi) (local.get $j) (local.get $y0))
            (local.set $rj (i32.add (local.get $rj) (local.get $rowb)))
            (local.set $s1 (f64.sub (local.get $s1) (f64.mul (local.get $y0) (f64.load (i32.add (local.get $rj) (local.get $cj))))))
            (local.set $y1 (f64.div (local.get $s1) (f64.load offset=8 (i32.add (local.get $rj) (local.get $cj)))))
            (call $put (local.get $ri) (local.get $pi) (i32.add (local.get $j) (i32.const 1)) (local.get $y1))
            (local.set $rj (i32.add (local.get $rj) (local.get $rowb)))
            (local.set $s2 (f64.sub (local.get $s2) (f64.mul (local.get $y0) (f64.load (i32.add (local.get $rj) (local.get $cj))))))
            (local.set $s2 (f64.sub (local.get $s2) (f64.mul (local.get $y1) (f64.load offset=8 (i32.add (local.get $rj) (local.get $cj))))))
            (local.set $y2 (f64.div (local.get $s2) (f64.load offset=16 (i32.add (local.get $rj) (local.get $cj)))))
            (call $put (local.get $ri) (local.get $pi) (i32.add (local.get $j) (i32.const 2)) (local.get $y2))
            (local.set $rj (i32.add (local.get $rj) (local.get $rowb)))
            (local.set $s3 (f64.sub (local.get $s3) (f64.mul (local.get $y0) (f64.load (i32.add (local.get $rj) (local.get $cj))))))
            (local.set $s3 (f64.sub (local.get $s3) (f64.mul (local.get $y1) (f64.load offset=8 (i32.add (local.get $rj) (local.get $cj))))))
            (local.set $s3 (f64.sub (local.get $s3) (f64.mul (local.get $y2) (f64.load offset=16 (i32.add (local.get $rj) (local.get $cj))))))
            (if (local.get $diag)
              (then
                (if (i32.eqz (f64.gt (local.get $s3) (f64.const 0))) (then (return (i32.const 0))))
                (local.set $v (f64.sqrt (local.get $s3))))
              (else (local.set $v (f64.div (local.get $s3) (f64.load offset=24 (i32.add (local.get $rj) (local.get $cj)))))))
            (call $put (local.get $ri) (local.get $pi) (i32.add (local.get $j) (i32.const 3)) (local.get $v))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $bloop)))
        ;; the rest of row i one entry at a time
        (block $edone
          (loop $eloop
            (br_if $edone (i32.gt_s (local.get $j) (local.get $i)))
            (local.set $rj (i32.add (local.get $l) (i32.mul (local.get $j) (local.get $rowb))))
            (local.set $cj (i32.shl (local.get $j) (i32.const 3)))
            (local.set $s (f64.load (i32.add (local.get $ai) (local.get $cj))))
            (if (i32.eq (local.get $i) (local.get $j)) (then (local.set $s (f64.add (local.get $s) (local.get $shift)))))
            (local.set $x (local.get $ri))
            (local.set $y (local.get $rj))
            (local.set $kEnd (i32.add (local.get $ri) (local.get $cj)))
            (block $kdone2
              (loop $kloop2
                (br_if $kdone2 (i32.ge_u (local.get $x) (local.get $kEnd)))
                (local.set $s (f64.sub (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
                (local.set $x (i32.add (local.get $x) (i32.const 8)))
                (local.set $y (i32.add (local.get $y) (i32.const 8)))
                (br $kloop2)))
            (if (i32.eq (local.get $i) (local.get $j))
              (then
                (if (i32.eqz (f64.gt (local.get $s) (f64.const 0))) (then (return (i32.const 0))))
                (local.set $v (f64.sqrt (local.get $s))))
              (else (local.set $v (f64.div (local.get $s) (f64.load (i32.add (local.get $rj) (local.get $cj)))))))
            (call $put (local.get $ri) (local.get $pi) (local.get $j) (local.get $v))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $eloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop)))
    (i32.const 1))
  ;; l[i][j] = v, and the same in i's lane of the packed copy (pi: row i's lane at column 0)
  (func $put (param $ri i32) (param $pi i32) (param $j i32) (param $v f64)
    (f64.store (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))) (local.get $v))
    (f64.store (i32.add (local.get $pi) (i32.shl (local.get $j) (i32.const 5))) (local.get $v)))
)
