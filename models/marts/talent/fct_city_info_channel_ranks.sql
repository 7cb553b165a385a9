-- 了解城市的渠道 · channels each generation uses to learn about a city (ranks 1-3)
{{ survey_rank_mart('info_channel') }}
