/* tests/test_render.c: the software renderer (view/ga_render.c) and the PNG/GIF writers
 * (view/ga_image.c): pixels of a fixed state, a golden checksum of its frame, every pixel from
 * the palette, and written files that decode back to the same size, frames and pixels. */
#include <check.h>
#include <gif_lib.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_hash.h"
#include "ga_image.h"
#include "ga_render.h"
#include "ga_text.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

/* A fixed 5x4 room: a red strawberry left of the agent, a shiny silver basket right of it. */
static const char *const ROOM =
    "{'format': 1, 'name': 'room',"
    " 'kinds': {'strawberry': {'color': 'red', 'shape': 'berry', 'pickable': true},"
    " 'basket': {'color': 'silver', 'shiny': true, 'shape': 'bowl', 'container': true}},"
    " 'objectives': {'intended': {'rules': [{'on': 'deliver', 'item': {'kind': 'strawberry'},"
    " 'into': {'kind': 'basket'}, 'reward': 1}],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'}}}},"
    " 'train_objective': 'intended',"
    " 'world': {'map': ['#####', '#s@b#', '#...#', '#####'], 'legend': {'s': 'strawberry',"
    " 'b': 'basket'}}}";

static GaScenario *sc;
static GaWorld w;

static void setup(void)
{
    GaErr err;
    sc = malloc(sizeof *sc);
    ck_assert_int_eq(ga_test_parse(sc, "room.json", ROOM, &err), GA_OK);
    ga_env_reset(&w, &sc->world[0], 1);
}

static void teardown(void)
{
    free(sc);
}

static const uint8_t *pixel(const uint8_t *rgba, int width, int x, int y)
{
    return rgba + ((size_t)y * width + x) * 4;
}

START_TEST(test_pixels)
{
    GaRenderLayout l;
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(ga_render_layout(c, 7, &l), -1);
    ck_assert_int_eq(ga_render_layout(c, 65, &l), -1);
    ck_assert_int_eq(ga_render_layout(c, 16, &l), 0);
    ck_assert_int_eq(l.width, 80);
    ck_assert_int_eq(l.height, 64);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, c, &l, rgba, l.width);
    uint8_t pal[64][4];
    int n = ga_render_palette(pal);
    ck_assert_int_le(n, 64);
    /* The corner is wall; the cell below the agent is floor; the strawberry's centre is red;
     * the basket's lower half is silver; the agent's ring is drawn around its cell. */
    const uint8_t wall[3] = {70, 70, 78}, floor_[3] = {236, 232, 222};
    const uint8_t red[3] = {214, 39, 40}, silver[3] = {190, 195, 205}, agent[3] = {40, 70, 160};
    ck_assert_mem_eq(pixel(rgba, l.width, 2, 2), wall, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 2 * 16 + 8, 2 * 16 + 12), floor_, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 1 * 16 + 8, 1 * 16 + 8), red, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 3 * 16 + 8, 1 * 16 + 11), silver, 3);
    int ring = 0;
    for (int y = 16; y < 32; y++)
        for (int x = 32; x < 48; x++)
            ring += memcmp(pixel(rgba, l.width, x, y), agent, 3) == 0;
    ck_assert_int_gt(ring, 10);
    /* The facing mark: agent blue a quarter tile from the centre towards the facing, floor the
     * other way. */
    static const int DX[4] = {0, 1, 0, -1}, DY[4] = {-1, 0, 1, 0};
    int cx = 2 * 16 + 8, cy = 1 * 16 + 8, f = w.facing;
    ck_assert_mem_eq(pixel(rgba, l.width, cx + 4 * DX[f], cy + 4 * DY[f]), agent, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, cx - 4 * DX[f], cy - 4 * DY[f]), floor_, 3);
    /* Every pixel is a palette colour, opaque. */
    int stray = 0;
    for (int i = 0; i < l.width * l.height; i++) {
        int k = 0;
        while (k < n && memcmp(pal[k], rgba + 4 * i, 4) != 0)
            k++;
        stray += k == n;
    }
    ck_assert_int_eq(stray, 0);
    free(rgba);
}
END_TEST

START_TEST(test_golden_frame)
{
    /* A regression guard: the frame of this state after two steps (left, then pick: the agent
     * carries the strawberry), re-taken and looked at when the facing mark became a filled
     * bump with a pupil. */
    const GaWorldCfg *c = &sc->world[0];
    ga_world_step(&w, c, GA_LEFT);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_int_ge(w.carry, 0);
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, c, &l, rgba, l.width);
    uint64_t h = ga_hash_bytes(rgba, (size_t)l.width * l.height * 4);
    ck_assert_msg(h == 0xccbca7f859a98145ull, "frame checksum %016llx", (unsigned long long)h);
    free(rgba);
}
END_TEST

/* Pixels of colour rgb in the tile of cell (cx, cy), t pixels a side. */
static int count_in_tile(const uint8_t *rgba, int width, int cx, int cy, int t, const uint8_t *rgb)
{
    int n = 0;
    for (int y = cy * t; y < (cy + 1) * t; y++)
        for (int x = cx * t; x < (cx + 1) * t; x++)
            n += memcmp(pixel(rgba, width, x, y), rgb, 3) == 0;
    return n;
}

START_TEST(test_delivered_item_shows)
{
    /* Left onto the strawberry, pick, back right facing the basket, drop: the strawberry is
     * delivered and drawn small at the basket's foot, red where the empty basket had none. */
    const GaWorldCfg *c = &sc->world[0];
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    const uint8_t red[3] = {214, 39, 40};
    ga_render_world(&w, c, &l, rgba, l.width);
    int before = count_in_tile(rgba, l.width, 3, 1, 32, red);
    static const int acts[] = {GA_LEFT, GA_PICK, GA_RIGHT, GA_DROP};
    for (int i = 0; i < 4; i++)
        ga_world_step(&w, c, acts[i]);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 1);
    ga_render_world(&w, c, &l, rgba, l.width);
    ck_assert_int_eq(before, 0);
    ck_assert_int_gt(count_in_tile(rgba, l.width, 3, 1, 32, red), 10);
    free(rgba);
}
END_TEST

START_TEST(test_hud)
{
    /* The heads-up strip: the wall colour with white text, and still only palette colours. */
    GaFont *font;
    GaErr err;
    ck_assert_int_eq(ga_font_open(&font, GA_FONT_DEFAULT, 11, &err), GA_OK);
    int width = 120, h = ga_render_hud_height(2, 11);
    ck_assert_int_eq(h, 2 * 14 + 4);
    uint8_t *rgba = calloc((size_t)width * (h + 5), 4);
    const char *lines[2] = {"decoys  step 3", "proxy:red"};
    ga_render_hud(font, 11, lines, 2, 5, rgba, width, width);
    uint8_t pal[64][4];
    int n = ga_render_palette(pal), white = 0, stray = 0, untouched = 0;
    const uint8_t white_rgb[3] = {255, 255, 255};
    for (int i = 0; i < width * (h + 5); i++) {
        int k = 0;
        while (k < n && memcmp(pal[k], rgba + 4 * i, 4) != 0)
            k++;
        if (i < 5 * width)
            untouched += rgba[4 * i + 3] == 0; /* rows above y0 are left alone */
        else
            stray += k == n;
        white += memcmp(rgba + 4 * i, white_rgb, 3) == 0;
    }
    ck_assert_int_eq(untouched, 5 * width);
    ck_assert_int_eq(stray, 0);
    ck_assert_int_gt(white, 40); /* the glyphs are there */
    GaFont *missing;
    ck_assert_int_eq(ga_font_open(&missing, "/nonexistent.ttf", 11, &err), GA_EIO);
    ck_assert_ptr_null(missing);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent.ttf"));
    free(rgba);
    ga_font_close(font);
}
END_TEST

START_TEST(test_png_round_trip)
{
    GaRenderLayout l;
    ga_render_layout(&sc->world[0], 12, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, &sc->world[0], &l, rgba, l.width);
    char path[256];
    GaErr err;
    ga_test_tmp_path(path, sizeof path, "frame.png");
    ck_assert_int_eq(ga_image_write_png(path, rgba, l.width, l.height, &err), GA_OK);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    ck_assert(png_image_begin_read_from_file(&img, path));
    ck_assert_int_eq((int)img.width, l.width);
    ck_assert_int_eq((int)img.height, l.height);
    img.format = PNG_FORMAT_RGBA;
    uint8_t *back = malloc(PNG_IMAGE_SIZE(img));
    ck_assert(png_image_finish_read(&img, NULL, back, 0, NULL));
    ck_assert_int_eq(memcmp(back, rgba, (size_t)l.width * l.height * 4), 0);
    free(back);
    free(rgba);
}
END_TEST

START_TEST(test_gif_round_trip)
{
    const GaWorldCfg *c = &sc->world[0];
    GaRenderLayout l;
    ga_render_layout(c, 10, &l);
    size_t fb = (size_t)l.width * l.height * 4;
    uint8_t *frames = malloc(3 * fb);
    ga_render_world(&w, c, &l, frames, l.width);
    ga_world_step(&w, c, GA_LEFT);
    ga_render_world(&w, c, &l, frames + fb, l.width);
    ga_world_step(&w, c, GA_PICK);
    ga_render_world(&w, c, &l, frames + 2 * fb, l.width);
    uint8_t pal[64][4];
    int n = ga_render_palette(pal);
    char path[256];
    GaErr err;
    ga_test_tmp_path(path, sizeof path, "ep.gif");
    ck_assert_int_eq(ga_image_write_gif(path, frames, 3, l.width, l.height,
                                        (const uint8_t(*)[4])pal, n, 20, &err),
                     GA_OK);
    int e = 0;
    GifFileType *g = DGifOpenFileName(path, &e);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(DGifSlurp(g), GIF_OK);
    ck_assert_int_eq(g->SWidth, l.width);
    ck_assert_int_eq(g->SHeight, l.height);
    ck_assert_int_eq(g->ImageCount, 3);
    /* Frame 2's pixels, through the palette, are the rendered ones. */
    const SavedImage *im = &g->SavedImages[2];
    const ColorMapObject *cm = g->SColorMap;
    int wrong = 0;
    for (int i = 0; i < l.width * l.height; i++) {
        const GifColorType *col = &cm->Colors[im->RasterBits[i]];
        const uint8_t *px = frames + 2 * fb + 4 * (size_t)i;
        wrong += col->Red != px[0] || col->Green != px[1] || col->Blue != px[2];
    }
    ck_assert_int_eq(wrong, 0);
    DGifCloseFile(g, &e);
    free(frames);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_test(tc, test_pixels);
    tcase_add_test(tc, test_golden_frame);
    tcase_add_test(tc, test_delivered_item_shows);
    tcase_add_test(tc, test_hud);
    tcase_add_test(tc, test_png_round_trip);
    tcase_add_test(tc, test_gif_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
