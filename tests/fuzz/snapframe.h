/*
 * snapframe.h -- a structure-aware mutator for snapshot inputs.
 *
 * Every section of a snapshot carries a CRC-32C and a length, and the file
 * header the total length and its own CRC.  Byte-level mutations almost
 * always break one of them, so a plain fuzzer would spend its time in the
 * frame checks.  The custom mutator below parses the frame of the input
 * (leniently: the sections as their lengths say), lets libFuzzer mutate
 * one section's payload (or the header fields), and writes the frame back
 * with correct lengths and CRCs, so that the mutation reaches the parser
 * of that section.  Some mutations are left raw, so that the frame checks
 * themselves stay covered.  doc/snapshot-format.md has the layout.
 *
 * Header-only, for the fuzz targets (tests/fuzz/fuzz_snapshot.c and
 * fuzz_merge.c); not part of the library.
 */
#ifndef SKPI_SNAPFRAME_H
#define SKPI_SNAPFRAME_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define SF_HEADER 32
#define SF_SECTION 16
#define SF_MAX_SECTIONS 16

/* ===== CRC-32C (reflected 0x82F63B78), as doc/snapshot-format.md ===== */

static uint32_t sf_crc_table[256];

static uint32_t sf_crc32c(const uint8_t *p, size_t n)
{
    if (sf_crc_table[1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
            sf_crc_table[i] = c;
        }
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = (c >> 8) ^ sf_crc_table[(c ^ p[i]) & 0xFF];
    return ~c;
}

static uint64_t sf_get(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void sf_put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ===== Frames ===== */

typedef struct sf_section {
    uint32_t id;
    size_t at, len; /* payload offset and length in the input */
} sf_section;

typedef struct sf_frame {
    size_t n;       /* sections found */
    size_t end;     /* where the last one ends */
    sf_section sec[SF_MAX_SECTIONS];
} sf_frame;

/* The sections of b[0..size) as their lengths say; 0 if there is no
 * snapshot header at all. */
static int sf_parse(const uint8_t *b, size_t size, sf_frame *f)
{
    if (size < SF_HEADER || memcmp(b, "SKPISNAP", 8) != 0)
        return 0;
    f->n = 0;
    size_t pos = SF_HEADER;
    while (f->n < SF_MAX_SECTIONS && size - pos >= SF_SECTION + 4) {
        uint64_t len = sf_get(b + pos + 8, 8);
        if (len > size - pos - SF_SECTION - 4)
            break;
        f->sec[f->n].id = (uint32_t)sf_get(b + pos, 4);
        f->sec[f->n].at = pos + SF_SECTION;
        f->sec[f->n].len = (size_t)len;
        f->n++;
        pos += SF_SECTION + (size_t)len + 4;
    }
    f->end = pos;
    return f->n > 0;
}

/* Recompute the lengths and CRCs of out[0..n), a frame whose section
 * payloads are in place (section lengths as written). */
static void sf_seal(uint8_t *out, size_t n)
{
    sf_put(out + 16, n, 8);
    sf_put(out + 28, sf_crc32c(out, 28), 4);
    size_t pos = SF_HEADER;
    while (n - pos >= SF_SECTION + 4) {
        uint64_t len = sf_get(out + pos + 8, 8);
        if (len > n - pos - SF_SECTION - 4)
            break;
        size_t end = pos + SF_SECTION + (size_t)len;
        sf_put(out + end, sf_crc32c(out + pos, SF_SECTION + (size_t)len), 4);
        pos = end + 4;
    }
}

/* A small generator for the mutator's choices. */
static uint32_t sf_next(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/*
 * Mutate the snapshot in data[0..size) (capacity max) and return its new
 * size.  Inputs that are no snapshot get libFuzzer's plain mutation.
 */
static size_t sf_mutate(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    sf_frame f;
    uint32_t r = seed;
    unsigned pick = sf_next(&r) % 16;
    if (!sf_parse(data, size, &f) || pick == 0)
        return LLVMFuzzerMutate(data, size, max);
    if (pick == 1) {
        /* The header fields after the magic, then a correct header CRC
         * (the length is left as mutated). */
        uint8_t h[20];
        memcpy(h, data + 8, sizeof h);
        size_t k = LLVMFuzzerMutate(h, sizeof h, sizeof h);
        memset(h + k, 0, sizeof h - k);
        memcpy(data + 8, h, sizeof h);
        sf_put(data + 28, sf_crc32c(data, 28), 4);
        return size;
    }
    if (pick == 2) {
        /* A section header (id, reserved, length), frame then re-sealed. */
        size_t i = sf_next(&r) % f.n;
        uint8_t *h = data + f.sec[i].at - SF_SECTION;
        size_t k = LLVMFuzzerMutate(h, 8, 8);
        if (k < 8)
            memset(h + k, 0, 8 - k);
        if (sf_next(&r) & 1)
            sf_put(h + 8, sf_get(h + 8, 8) ^ ((uint64_t)1 << (sf_next(&r) % 24)), 8);
        sf_seal(data, size);
        return size;
    }
    /* One section's payload, re-framed: lengths and CRCs made right. */
    size_t i = sf_next(&r) % f.n;
    size_t rest = size - f.sec[i].len; /* everything but the payload */
    if (rest >= max)
        return LLVMFuzzerMutate(data, size, max);
    size_t cap = max - rest;
    uint8_t *payload = malloc(cap + 1), *out = malloc(max + 1);
    if (payload == NULL || out == NULL) {
        free(payload);
        free(out);
        return size;
    }
    memcpy(payload, data + f.sec[i].at, f.sec[i].len);
    size_t len = LLVMFuzzerMutate(payload, f.sec[i].len, cap);
    size_t hdr = f.sec[i].at;                 /* everything before the payload */
    size_t tail = f.sec[i].at + f.sec[i].len; /* its CRC and what follows */
    memcpy(out, data, hdr);
    sf_put(out + hdr - 8, len, 8);
    memcpy(out + hdr, payload, len);
    memcpy(out + hdr + len, data + tail, size - tail);
    size_t n = hdr + len + (size - tail);
    sf_seal(out, n);
    memcpy(data, out, n);
    free(payload);
    free(out);
    return n;
}

#endif /* SKPI_SNAPFRAME_H */
