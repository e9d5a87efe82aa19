/* assess.c - the process-fit assessment: the questions in en, id and ms, and the documented scoring. */
#include "core/assess.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

static const struct assess_question questions[AQ__COUNT] = {
    [AQ_FOCUS] = {"focus",
		  {"What is the main aim of outsourcing this work?",
		   "Apa tujuan utama mengalihdayakan pekerjaan ini?",
		   "Apakah tujuan utama menyumberluarkan kerja ini?"},
		  3,
		  {"cost", "mixed", "expertise"},
		  {{"Lower cost and handle volume", "Biaya lebih rendah dan menangani volume",
		    "Kos lebih rendah dan mengendalikan volum"},
		   {"Both cost and expertise", "Biaya dan keahlian sama-sama penting",
		    "Kos dan kepakaran sama penting"},
		   {"Expertise and insight we lack", "Keahlian dan wawasan yang tidak kami miliki",
		    "Kepakaran dan pandangan yang tiada pada kami"}}},
    [AQ_PROCESS] = {"process",
		    {"How is the work done?", "Bagaimana pekerjaan ini dilakukan?",
		     "Bagaimanakah kerja ini dilakukan?"},
		    3,
		    {"predefined", "partly", "open"},
		    {{"By predefined, documented steps", "Dengan langkah baku yang terdokumentasi",
		      "Mengikut langkah yang ditetapkan dan didokumenkan"},
		     {"Partly by set steps, partly case by case",
		      "Sebagian dengan langkah baku, sebagian per kasus",
		      "Sebahagiannya mengikut langkah tetap, sebahagiannya mengikut kes"},
		     {"Each case is open-ended", "Setiap kasus bersifat terbuka",
		      "Setiap kes bersifat terbuka"}}},
    [AQ_SPECIALISATION] = {"specialisation",
			   {"What must the people doing it know?",
			    "Apa yang harus dikuasai oleh orang yang mengerjakannya?",
			    "Apakah yang perlu diketahui oleh orang yang melakukannya?"},
			   3,
			   {"general", "domain", "advanced"},
			   {{"Communication and computer skills, trained on the job",
			     "Keterampilan komunikasi dan komputer, dilatih di tempat kerja",
			     "Kemahiran komunikasi dan komputer, dilatih semasa bekerja"},
			    {"Domain training (for example bookkeeping, claims)",
			     "Pelatihan bidang (misalnya pembukuan, klaim)",
			     "Latihan bidang (contohnya simpan kira, tuntutan)"},
			    {"Advanced degrees or credentials (CA, MBA, law)",
			     "Gelar lanjutan atau sertifikasi (CA, MBA, hukum)",
			     "Ijazah lanjutan atau kelayakan profesional (CA, MBA, undang-undang)"}}},
    [AQ_DRIVING_FORCE] = {"driving_force",
			  {"What makes the work good?", "Apa yang membuat pekerjaan ini baik?",
			   "Apakah yang menjadikan kerja ini baik?"},
			  3,
			  {"volume", "balanced", "judgement"},
			  {{"Speed and accuracy at volume", "Kecepatan dan ketepatan dalam volume besar",
			    "Kepantasan dan ketepatan pada volum tinggi"},
			   {"Accuracy and some judgement", "Ketepatan dan sedikit pertimbangan",
			    "Ketepatan dan sedikit pertimbangan"},
			   {"Knowledge and judgement", "Pengetahuan dan pertimbangan",
			    "Pengetahuan dan pertimbangan"}}},
    [AQ_ACTIVITY] = {"activity",
		     {"What kind of activity is it?", "Kegiatan apa ini?",
		      "Apakah jenis aktiviti ini?"},
		     3,
		     {"transactional", "analytical", "advisory"},
		     {{"Transactions: data entry, forms, support tickets",
		       "Transaksi: entri data, formulir, tiket dukungan",
		       "Transaksi: kemasukan data, borang, tiket sokongan"},
		      {"Analysis of data or documents", "Analisis data atau dokumen",
		       "Analisis data atau dokumen"},
		      {"Research, advice or design", "Riset, nasihat atau desain",
		       "Penyelidikan, nasihat atau reka bentuk"}}},
    [AQ_CLIENT_CONTACT] = {"client_contact",
			   {"How often must the team talk with you?",
			    "Seberapa sering tim perlu berkomunikasi dengan Anda?",
			    "Berapa kerap pasukan perlu berhubung dengan anda?"},
			   3,
			   {"rare", "regular", "frequent"},
			   {{"Rarely: the work comes in and goes out",
			     "Jarang: pekerjaan masuk lalu keluar",
			     "Jarang: kerja masuk dan keluar"},
			    {"Regularly, for questions and reviews",
			     "Secara berkala, untuk pertanyaan dan tinjauan",
			     "Secara berkala, untuk soalan dan semakan"},
			    {"Often, as part of the work", "Sering, sebagai bagian dari pekerjaan",
			     "Kerap, sebagai sebahagian daripada kerja"}}},
    [AQ_RULES] = {"rules",
		  {"Do rules decide the outcome, or judgement?",
		   "Apakah hasilnya ditentukan oleh aturan atau oleh pertimbangan?",
		   "Adakah hasilnya ditentukan oleh peraturan atau pertimbangan?"},
		  3,
		  {"rules", "mixed", "judgement"},
		  {{"Rules: the same input gives the same answer",
		    "Aturan: masukan yang sama memberi jawaban yang sama",
		    "Peraturan: input yang sama memberi jawapan yang sama"},
		   {"Rules with exceptions", "Aturan dengan pengecualian",
		    "Peraturan dengan pengecualian"},
		   {"Judgement: experts may differ", "Pertimbangan: para ahli bisa berbeda pendapat",
		    "Pertimbangan: pakar mungkin berbeza pendapat"}}},
    [AQ_SENSITIVITY] = {"data_sensitivity",
			{"How sensitive is the data the work uses?",
			 "Seberapa sensitif data yang digunakan pekerjaan ini?",
			 "Sejauh manakah sensitifnya data yang digunakan oleh kerja ini?"},
			4,
			{"low", "medium", "high", "restricted"},
			{{"Low: public or internal data", "Rendah: data publik atau internal",
			  "Rendah: data awam atau dalaman"},
			 {"Medium: customer data under contract",
			  "Sedang: data pelanggan berdasarkan kontrak",
			  "Sederhana: data pelanggan di bawah kontrak"},
			 {"High: personal, financial or health data",
			  "Tinggi: data pribadi, keuangan atau kesehatan",
			  "Tinggi: data peribadi, kewangan atau kesihatan"},
			 {"Restricted: it may not leave the company",
			  "Terbatas: data tidak boleh keluar dari perusahaan",
			  "Terhad: data tidak boleh keluar dari syarikat"}}},
    [AQ_VOLUME] = {"volume",
		   {"How many hours of this work are there a month?",
		    "Berapa jam pekerjaan ini setiap bulan?",
		    "Berapa jam kerja ini setiap bulan?"},
		   0,
		   {NULL},
		   {{NULL}}},
};

const struct assess_question *assess_question(int q)
{
	return q >= 0 && q < AQ__COUNT ? &questions[q] : NULL;
}

int assess_option(int q, const char *key)
{
	const struct assess_question *x = assess_question(q);

	for (int i = 0; x && key && i < x->n_options; i++)
		if (!strcmp(x->option_key[i], key))
			return i;
	return -1;
}

int assess_lang_parse(const char *s, enum assess_lang *out)
{
	static const char *const names[ASSESS_LANG__COUNT] = {"en", "id", "ms"};

	for (int i = 0; s && i < ASSESS_LANG__COUNT; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum assess_lang)i;
			return 0;
		}
	return ERR_INVALID;
}

const char *assess_rec_name(enum assess_rec r)
{
	static const char *const names[ASSESS_REC__COUNT] = {"bpo", "kpo", "in_house"};

	return (unsigned)r < ASSESS_REC__COUNT ? names[r] : "?";
}

const char *assess_rule_text(char rule, enum assess_lang lang)
{
	static const char *const texts[4][ASSESS_LANG__COUNT] = {
	    {"The data may not leave the company: keep the work in-house.",
	     "Data tidak boleh keluar dari perusahaan: kerjakan secara internal.",
	     "Data tidak boleh keluar dari syarikat: lakukan kerja secara dalaman."},
	    {"Sensitive data and little volume outweigh what outsourcing saves: keep it in-house.",
	     "Data sensitif dan volume kecil lebih berat daripada penghematan alih daya: kerjakan "
	     "secara internal.",
	     "Data sensitif dan volum kecil mengatasi penjimatan sumber luar: lakukan secara "
	     "dalaman."},
	    {"The answers place the work by the six elements of BPO and KPO.",
	     "Jawaban menempatkan pekerjaan menurut enam unsur BPO dan KPO.",
	     "Jawapan meletakkan kerja mengikut enam unsur BPO dan KPO."},
	    {"Outsourcing would cost as much as in-house or more: keep it in-house.",
	     "Alih daya akan sama mahal atau lebih mahal daripada internal: kerjakan secara "
	     "internal.",
	     "Sumber luar akan sama mahal atau lebih mahal daripada dalaman: lakukan secara "
	     "dalaman."},
	};
	int i = rule - 'a';

	if (i < 0 || i > 3 || (unsigned)lang >= ASSESS_LANG__COUNT)
		return "";
	return texts[i][lang];
}

void assess_answers_init(struct assess_answers *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < AQ__CHOICES; i++)
		a->choice[i] = -1;
}

/* a * b, rounded half up after dividing by d (d > 0); false on overflow. */
static bool mul_div(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	__int128 p = (__int128)a * b;

	p = (p + d / 2) / d;
	if (p > INT64_MAX)
		return false;
	*out = (int64_t)p;
	return true;
}

/* The point a BPO/KPO question gives: its option scaled to 0..2. */
static int points(int q, int choice)
{
	int n = questions[q].n_options;

	return n == 3 ? choice : choice * 2 / (n - 1);
}

int assess_score(const struct assess_answers *a, struct assess_result *out, const char **why)
{
	static const int sens_points[4] = {0, 1, 2, 0};
	int s, want, q;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	for (q = 0; q < AQ__CHOICES; q++)
		if (a->choice[q] < 0 || a->choice[q] >= questions[q].n_options) {
			*why = q == AQ_FOCUS	       ? "focus is not answered"
			       : q == AQ_PROCESS       ? "process is not answered"
			       : q == AQ_SPECIALISATION ? "specialisation is not answered"
			       : q == AQ_DRIVING_FORCE ? "driving_force is not answered"
			       : q == AQ_ACTIVITY      ? "activity is not answered"
			       : q == AQ_CLIENT_CONTACT ? "client_contact is not answered"
			       : q == AQ_RULES	       ? "rules is not answered"
					       : "data_sensitivity is not answered";
			return ERR_INVALID;
		}
	if (a->hours_per_month < 1 || a->hours_per_month > ASSESS_HOURS_MAX)
		*why = "volume (hours a month) must be between 1 and 1000000";
	else if (a->in_house_rate < 0 || a->in_house_rate > ASSESS_RATE_MAX ||
		 a->bpo_rate < 0 || a->bpo_rate > ASSESS_RATE_MAX || a->kpo_rate < 0 ||
		 a->kpo_rate > ASSESS_RATE_MAX)
		*why = "a cost per hour must be between 0 and 100000000 minor units";
	else if (a->overhead_pct < 0 || a->overhead_pct > 500)
		*why = "in_house_overhead_pct must be between 0 and 500";
	if (*why)
		return ERR_INVALID;

	snprintf(out->currency, sizeof(out->currency), "%s", a->currency[0] ? a->currency : "USD");
	out->hours_per_month = a->hours_per_month;
	out->bpo_rate = a->bpo_rate ? a->bpo_rate : ASSESS_BPO_RATE_DEFAULT;
	out->kpo_rate = a->kpo_rate ? a->kpo_rate : ASSESS_KPO_RATE_DEFAULT;
	out->in_house_rate = a->in_house_rate;
	out->overhead_pct = a->overhead_pct;
	if (!mul_div(out->hours_per_month, out->bpo_rate, 1, &out->cost_bpo) ||
	    !mul_div(out->hours_per_month, out->kpo_rate, 1, &out->cost_kpo) ||
	    !mul_div(out->hours_per_month * out->in_house_rate, 100 + out->overhead_pct, 100,
		     &out->cost_in_house)) {
		*why = "a monthly cost passes 2^63 minor units";
		return ERR_INVALID;
	}

	for (q = 0; q <= AQ_RULES; q++)
		out->kpo_points += points(q, a->choice[q]);
	s = a->choice[AQ_SENSITIVITY];
	out->in_house_points = sens_points[s] + (a->hours_per_month < 20   ? 2
						 : a->hours_per_month < 80 ? 1
									   : 0);
	if (s == 3) {
		out->rec = ASSESS_IN_HOUSE;
		out->rule = 'a';
		out->deciding[out->n_deciding++] = questions[AQ_SENSITIVITY].key;
		return 0;
	}
	if (out->in_house_points >= ASSESS_IN_HOUSE_THRESHOLD) {
		out->rec = ASSESS_IN_HOUSE;
		out->rule = 'b';
		if (sens_points[s])
			out->deciding[out->n_deciding++] = questions[AQ_SENSITIVITY].key;
		if (a->hours_per_month < 80)
			out->deciding[out->n_deciding++] = questions[AQ_VOLUME].key;
		return 0;
	}
	out->rec = out->kpo_points >= ASSESS_KPO_THRESHOLD ? ASSESS_KPO : ASSESS_BPO;
	out->rule = 'c';
	want = out->rec == ASSESS_KPO ? 2 : 0;
	for (q = 0; q <= AQ_RULES; q++)
		if (points(q, a->choice[q]) == want)
			out->deciding[out->n_deciding++] = questions[q].key;
	if (out->in_house_rate > 0 &&
	    (out->rec == ASSESS_KPO ? out->cost_kpo : out->cost_bpo) >= out->cost_in_house) {
		out->rec = ASSESS_IN_HOUSE;
		out->rule = 'd';
		out->n_deciding = 0;
		out->deciding[out->n_deciding++] = "cost";
		return 0;
	}
	if (out->in_house_rate > 0)
		out->saving = out->cost_in_house -
			      (out->rec == ASSESS_KPO ? out->cost_kpo : out->cost_bpo);
	return 0;
}
