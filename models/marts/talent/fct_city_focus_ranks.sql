-- 新生代关注的城市维度 · city dimensions each generation cares about (ranks 1-3)
{{ survey_rank_mart('city_focus') }}
