-- One CTE per headline claim. Each recomputes the claim from the seeds and derives its verdict with SQL, so a
-- changed seed changes the verdict; tests/claims pins the verdicts the current seeds imply.
with pilot_programs as (
    select * from {{ ref('stg_report__pilot_programs') }}
),

headline_figures as (
    select * from {{ ref('stg_report__headline_figures') }}
),

market_figures as (
    select * from {{ ref('stg_report__market_figures') }}
),

market_by_reading as (
    select * from {{ ref('int_market_size_by_reading') }}
),

exchange_rates as (
    select * from {{ ref('stg_reference__fx_cny_per_usd') }}
),

campaign_metrics as (
    select * from {{ ref('stg_report__city_campaigns') }}
),

survey_findings as (
    select * from {{ ref('stg_report__survey_findings') }}
),

survey_rank_items as (
    select * from {{ ref('stg_report__survey_rank_items') }}
),

generations as (
    select * from {{ ref('stg_report__generations') }}
),

cities as (
    select * from {{ ref('int_cities_enriched') }}
),

program_members as (
    select * from {{ ref('stg_reference__pilot_program_members') }}
),

pilot_totals as (
    select
        cast(sum(designation_count) as integer) as designations,
        count(*) as programs
    from pilot_programs
),

prefecture_units as (
    select count(*) as prefecture_count
    from cities
    where not is_county_group
),

claim_pilots as (
    select
        'pilots_over_700' as claim_key,
        1 as claim_order,
        headline.report_section,
        headline.quote_zh as claim_zh,
        'More than 700 digital-city pilots since 2013, under several ministries.' as claim_en,
        headline.value_raw as stated_value_raw,
        headline.value as stated_value,
        headline.qualifier as stated_qualifier,
        headline.unit as stated_unit,
        cast(totals.designations as decimal(20, 4)) as recomputed_value,
        'count' as recomputed_unit,
        'report_pilot_programs: designation_count of all ' || totals.programs || ' programmes' as inputs,
        'Each designation counts as one pilot.' as assumptions,
        case when totals.designations > headline.value then 'holds' else 'fails' end as verdict,
        format(
            'The {} programmes in the table add up to {} designations, against more than {} stated.',
            totals.programs, totals.designations, cast(headline.value as integer)
        ) as explanation_en,
        format(
            '表中{}个试点项目合计{}个试点，与“超过{}个”相比。',
            totals.programs, totals.designations, cast(headline.value as integer)
        ) as explanation_zh
    from headline_figures as headline
    cross join pilot_totals as totals
    where headline.headline_figure_key = 'pilot_cities_total_text'
),

claim_pilot_cities as (
    select
        'pilot_cities_over_700' as claim_key,
        2 as claim_order,
        headline.report_section,
        headline.quote_zh as claim_zh,
        'More than 700 pilot cities in China (section heading).' as claim_en,
        headline.value_raw as stated_value_raw,
        headline.value as stated_value,
        headline.qualifier as stated_qualifier,
        headline.unit as stated_unit,
        cast(totals.designations as decimal(20, 4)) as recomputed_value,
        'count' as recomputed_unit,
        'report_pilot_programs (designations); ref_divisions (' || units.prefecture_count
        || ' prefecture-level units)' as inputs,
        'Counting designations, not distinct cities: a city holding several designations counts several times.'
            as assumptions,
        case
            when totals.designations <= headline.value then 'fails'
            when units.prefecture_count > headline.value then 'holds'
            else 'holds_under_assumption'
        end as verdict,
        format(
            '{} designations exceed {}, but China has only {} prefecture-level units, so the figure counts '
            || 'designations (or includes county-level places), not distinct prefecture-level cities.',
            totals.designations, cast(headline.value as integer), units.prefecture_count
        ) as explanation_en,
        format(
            '{}个试点批次超过{}，但全国仅有{}个地级单位，故该数字统计的是试点批次（或含县级单位），而非不重复的地级城市。',
            totals.designations, cast(headline.value as integer), units.prefecture_count
        ) as explanation_zh
    from headline_figures as headline
    cross join pilot_totals as totals
    cross join prefecture_units as units
    where headline.headline_figure_key = 'pilot_cities_total_heading'
),

idc_endpoints as (
    select
        max(case when market_figure_key = 'idc_core_tech_investment_2018' then value end) as start_value_usd,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then value end) as end_value_usd,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then value_raw end) as end_value_raw,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then quote_zh end) as end_quote_zh,
        max(case when market_figure_key = 'idc_core_tech_investment_2023' then report_section end) as report_section,
        count(case when market_figure_key like 'idc_core_tech_investment_%' then 1 end) as idc_points
    from market_figures
),

core_growth as (
    select max(core_cagr_pct) as core_cagr_pct
    from market_by_reading
    where measure_code = 'core_tech_investment'
),

claim_idc_growth as (
    select
        'idc_core_growth_2018_2023' as claim_key,
        3 as claim_order,
        idc.report_section,
        idc.end_quote_zh as claim_zh,
        'IDC: core smart-city technology investment grows from USD 20bn (2018) to USD 38.9bn (2023).' as claim_en,
        idc.end_value_raw as stated_value_raw,
        idc.end_value_usd as stated_value,
        'exact' as stated_qualifier,
        'usd' as stated_unit,
        core_growth.core_cagr_pct as recomputed_value,
        'percent' as recomputed_unit,
        'report_market_figures: the 2018 and 2023 IDC figures' as inputs,
        'Constant compound growth between the two printed years.' as assumptions,
        case when idc.idc_points > 2 then 'holds' else 'cannot_be_checked' end as verdict,
        format(
            'Only the two endpoints are printed: they imply {}% a year (x{} over five years). No yearly IDC series '
            || 'is available to check the path; the years between are interpolated.',
            core_growth.core_cagr_pct, round(idc.end_value_usd / idc.start_value_usd, 3)
        ) as explanation_en,
        format(
            '报告只给出两个端点：隐含年均增长{}%（五年增长至{}倍）。没有IDC逐年数据可供核对，中间年份为插值。',
            core_growth.core_cagr_pct, round(idc.end_value_usd / idc.start_value_usd, 3)
        ) as explanation_zh
    from idc_endpoints as idc
    cross join core_growth
),

trillion_claim as (
    select * from market_figures
    where market_figure_key = 'digital_city_market_2023'
),

rate_range as (
    select
        min(cny_per_usd) as min_rate,
        max(cny_per_usd) as max_rate,
        min(rate_year) as first_rate_year,
        max(rate_year) as last_rate_year
    from exchange_rates
),

trillion_by_reading as (
    select
        market.multiplier_reading,
        market.value_usd,
        market.value_cny,
        market.cny_per_usd,
        claim.value as stated_cny,
        claim.value_raw,
        claim.qualifier,
        claim.quote_zh,
        claim.report_section,
        rates.min_rate,
        rates.max_rate,
        rates.first_rate_year,
        rates.last_rate_year,
        claim.value / market.value_usd as break_even_rate,
        case
            when market.value_usd * rates.min_rate > claim.value then 'holds'
            when market.value_usd * rates.max_rate <= claim.value then 'fails'
            else 'holds_under_assumption'
        end as verdict
    from market_by_reading as market
    cross join trillion_claim as claim
    cross join rate_range as rates
    where
        market.market_year = claim.figure_year
        and market.measure_code = 'total_market'
        and market.multiplier_reading in ('on_top', 'in_total')
),

claim_trillion_readings as (
    select
        'market_2023_over_1_trillion_' || reading.multiplier_reading as claim_key,
        case reading.multiplier_reading when 'on_top' then 5 else 6 end as claim_order,
        reading.report_section,
        reading.quote_zh as claim_zh,
        case reading.multiplier_reading
            when 'on_top' then '2023 market over CNY 1 trillion, ~3倍 read as supporting investment on top of the core.'
            else '2023 market over CNY 1 trillion, ~3倍 read as a total of 3x the core.'
        end as claim_en,
        reading.value_raw as stated_value_raw,
        reading.stated_cny as stated_value,
        reading.qualifier as stated_qualifier,
        'cny' as stated_unit,
        cast(reading.value_cny as decimal(20, 4)) as recomputed_value,
        'cny' as recomputed_unit,
        'report_market_figures (IDC 2023, ~3倍); ref_fx_cny_per_usd ' || reading.first_rate_year || '-'
        || reading.last_rate_year as inputs,
        case reading.multiplier_reading
            when 'on_top' then 'Total = core x (1 + 3); converted at each year''s annual average rate.'
            else 'Total = core x 3; converted at each year''s annual average rate.'
        end as assumptions,
        reading.verdict,
        format(
            'USD {} bn x {} (2023 rate) = CNY {} bn. The claim breaks even at {} CNY per USD; the {}-{} rates run '
            || 'from {} to {}.',
            round(reading.value_usd / 1e9, 1), reading.cny_per_usd, round(reading.value_cny / 1e9, 1),
            round(reading.break_even_rate, 4), reading.first_rate_year, reading.last_rate_year,
            reading.min_rate, reading.max_rate
        ) as explanation_en,
        format(
            '{}亿美元 x {}（2023年汇率）= {}亿元。盈亏平衡汇率为{}；{}-{}年汇率在{}至{}之间。',
            round(reading.value_usd / 1e8, 1), reading.cny_per_usd, round(reading.value_cny / 1e8, 1),
            round(reading.break_even_rate, 4), reading.first_rate_year, reading.last_rate_year,
            reading.min_rate, reading.max_rate
        ) as explanation_zh
    from trillion_by_reading as reading
),

claim_trillion_overall as (
    select
        'market_2023_over_1_trillion' as claim_key,
        4 as claim_order,
        max(report_section) as report_section,
        max(quote_zh) as claim_zh,
        'The digital-city market is expected to exceed CNY 1 trillion in 2023.' as claim_en,
        max(value_raw) as stated_value_raw,
        max(stated_cny) as stated_value,
        max(qualifier) as stated_qualifier,
        'cny' as stated_unit,
        cast(max(value_cny) as decimal(20, 4)) as recomputed_value,
        'cny' as recomputed_unit,
        'report_market_figures; ref_fx_cny_per_usd; both readings of ~3倍' as inputs,
        'The claim needs the reading of ~3倍 as supporting investment on top of the core.' as assumptions,
        case
            when bool_and(verdict = 'holds') then 'holds'
            when bool_and(verdict = 'fails') then 'fails'
            else 'holds_under_assumption'
        end as verdict,
        format(
            'On top: CNY {} bn ({}); in total: CNY {} bn ({}). The headline needs the on-top reading.',
            round(max(case when multiplier_reading = 'on_top' then value_cny end) / 1e9, 1),
            max(case when multiplier_reading = 'on_top' then verdict end),
            round(max(case when multiplier_reading = 'in_total' then value_cny end) / 1e9, 1),
            max(case when multiplier_reading = 'in_total' then verdict end)
        ) as explanation_en,
        format(
            '另加口径：{}亿元（{}）；合计口径：{}亿元（{}）。“超万亿”须按另加口径理解。',
            round(max(case when multiplier_reading = 'on_top' then value_cny end) / 1e8, 1),
            {{ verdict_zh("max(case when multiplier_reading = 'on_top' then verdict end)") }},
            round(max(case when multiplier_reading = 'in_total' then value_cny end) / 1e8, 1),
            {{ verdict_zh("max(case when multiplier_reading = 'in_total' then verdict end)") }}
        ) as explanation_zh
    from trillion_by_reading
),

global_projects as (
    select
        max(case when headline_figure_key = 'global_digital_city_projects' then value end) as world_projects,
        max(case when headline_figure_key = 'global_projects_share_in_china' then value end) as china_share_pct,
        max(case when headline_figure_key = 'global_projects_share_in_china' then value_raw end) as share_raw,
        max(case when headline_figure_key = 'global_projects_share_in_china' then qualifier end) as share_qualifier,
        max(case when headline_figure_key = 'global_projects_share_in_china' then quote_zh end) as quote_zh,
        max(case when headline_figure_key = 'global_projects_share_in_china' then report_section end)
            as report_section
    from headline_figures
),

claim_china_share as (
    select
        'china_share_of_global_projects' as claim_key,
        7 as claim_order,
        projects.report_section,
        projects.quote_zh as claim_zh,
        'Of the 1,000-odd digital-city projects worldwide, more than 50% are in China.' as claim_en,
        projects.share_raw as stated_value_raw,
        projects.china_share_pct as stated_value,
        projects.share_qualifier as stated_qualifier,
        'percent' as stated_unit,
        cast(round(100.0 * totals.designations / projects.world_projects, 4) as decimal(20, 4)) as recomputed_value,
        'percent' as recomputed_unit,
        'report_pilot_programs (designations as China''s projects); report_headline_figures (一千多个)' as inputs,
        'Each Chinese pilot designation is one project; 一千多个 means 1,000 to 1,999 projects worldwide.'
            as assumptions,
        case
            when 100.0 * totals.designations / (2 * projects.world_projects - 1) > projects.china_share_pct then 'holds'
            when 100.0 * totals.designations / projects.world_projects <= projects.china_share_pct then 'fails'
            else 'holds_under_assumption'
        end as verdict,
        format(
            '{} designations are {}% of 1,000 projects; the share stays above {}% only while the world total is '
            || 'below {}.',
            totals.designations, round(100.0 * totals.designations / projects.world_projects, 1),
            cast(projects.china_share_pct as integer),
            cast(ceil(100.0 * totals.designations / projects.china_share_pct) as integer)
        ) as explanation_en,
        format(
            '{}个试点占1000个项目的{}%；全球项目总数低于{}个时，中国占比才超过{}%。',
            totals.designations, round(100.0 * totals.designations / projects.world_projects, 1),
            cast(ceil(100.0 * totals.designations / projects.china_share_pct) as integer),
            cast(projects.china_share_pct as integer)
        ) as explanation_zh
    from global_projects as projects
    cross join pilot_totals as totals
),

beijing_shares as (
    select
        sum(value) as share_sum,
        count(*) as share_count,
        string_agg(value_raw, ' + ' order by campaign_metric_key desc) as shares_raw,
        max(quote_zh) as quote_zh,
        max(report_section) as report_section
    from campaign_metrics
    where campaign_metric_key in ('beijing_14fyp_traditional_share', 'beijing_14fyp_new_media_share')
),

claim_beijing as (
    select
        'beijing_14fyp_suggestion_shares' as claim_key,
        8 as claim_order,
        beijing.report_section,
        beijing.quote_zh as claim_zh,
        'Beijing 14th Five-Year Plan suggestions: ~33% via traditional channels, ~67% via new media.' as claim_en,
        beijing.shares_raw as stated_value_raw,
        cast(100 as decimal(20, 4)) as stated_value,
        'approximately' as stated_qualifier,
        'percent' as stated_unit,
        cast(beijing.share_sum as decimal(20, 4)) as recomputed_value,
        'percent' as recomputed_unit,
        'report_city_campaigns: the two Beijing channel shares' as inputs,
        'The two channel groups are exhaustive and exclusive; each ~ share is within 1 point.' as assumptions,
        case when abs(beijing.share_sum - 100) <= beijing.share_count then 'holds' else 'fails' end as verdict,
        format('The two shares sum to {}% of suggestions.', beijing.share_sum) as explanation_en,
        format('两类渠道占比合计{}%。', beijing.share_sum) as explanation_zh
    from beijing_shares as beijing
),

douyin_survey_samples as (
    select
        sample_size,
        survey_month,
        quote_zh,
        report_section
    from survey_findings
    where survey_name_zh = '抖音用户调研' and sample_size is not null
    union all
    select
        sample_size,
        survey_month,
        quote_zh,
        report_section
    from survey_rank_items
    where survey_name_zh = '抖音用户调研' and sample_size is not null
),

sample_sizes as (
    select
        count(distinct sample_size) as distinct_sizes,
        min(sample_size) as smallest,
        max(sample_size) as largest,
        count(distinct survey_month) as distinct_months,
        max(report_section) as report_section
    from douyin_survey_samples
),

claim_sample_sizes as (
    select
        'douyin_survey_sample_sizes' as claim_key,
        9 as claim_order,
        sizes.report_section,
        '抖音用户调研，N=10,303，2020年10月；抖音用户调研，N=10,729，2020年10月' as claim_zh,
        'One Douyin user survey (2020-10) is cited with two sample sizes.' as claim_en,
        'N=' || sizes.smallest || ' / N=' || sizes.largest as stated_value_raw,
        cast(sizes.smallest as decimal(20, 4)) as stated_value,
        'exact' as stated_qualifier,
        'persons' as stated_unit,
        cast(sizes.largest - sizes.smallest as decimal(20, 4)) as recomputed_value,
        'persons' as recomputed_unit,
        'report_survey_findings and report_survey_rank_items: sample sizes cited for 抖音用户调研' as inputs,
        'Both sizes are right only if the questions had different bases within one survey wave.' as assumptions,
        case
            when sizes.distinct_sizes = 1 then 'holds'
            when sizes.distinct_months = 1 then 'holds_under_assumption'
            else 'cannot_be_checked'
        end as verdict,
        format(
            '{} distinct sample sizes in {} survey month(s): {} and {} respondents, {} apart.',
            sizes.distinct_sizes, sizes.distinct_months, sizes.smallest, sizes.largest,
            sizes.largest - sizes.smallest
        ) as explanation_en,
        format(
            '同一调研月份出现{}个样本量：{}与{}，相差{}。',
            sizes.distinct_sizes, sizes.smallest, sizes.largest, sizes.largest - sizes.smallest
        ) as explanation_zh
    from sample_sizes as sizes
),

ages_in_generations as (
    select
        ages.age,
        count(*) as generation_count,
        string_agg(generations.generation_zh, '/' order by generations.display_order) as generations_zh
    from generate_series(0, 100) as ages (age)
    inner join generations
        on
            ages.age >= generations.age_low
            and ages.age <= coalesce(generations.age_high, 200)
    where generations.generation_level = 'generation'
    group by ages.age
),

generation_overlaps as (
    select
        count(case when generation_count > 1 then 1 end) as overlapping_ages,
        string_agg(
            case when generation_count > 1 then age || '岁 (' || generations_zh || ')' end, ', ' order by age
        ) as overlaps_listed
    from ages_in_generations
),

claim_generations as (
    select
        'generation_definitions_disjoint' as claim_key,
        10 as claim_order,
        max(generations.report_section) as report_section,
        string_agg(
            generations.generation_zh || '：' || generations.cohort_raw || '，' || generations.age_raw, '；'
            order by generations.display_order
        ) as claim_zh,
        'Generations X (40+), Y (25-40) and Z (18-25) are distinct groups.' as claim_en,
        string_agg(generations.age_raw, ' / ' order by generations.display_order) as stated_value_raw,
        cast(0 as decimal(20, 4)) as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        cast(max(overlap_stats.overlapping_ages) as decimal(20, 4)) as recomputed_value,
        'count' as recomputed_unit,
        'report_generations: printed age ranges of X, Y and Z' as inputs,
        'Printed age bounds are inclusive.' as assumptions,
        case when max(overlap_stats.overlapping_ages) = 0 then 'holds' else 'fails' end as verdict,
        format(
            '{} ages fall in two generations: {}. The cohorts overlap too (80/90后 and 95后 share births 1995-1999).',
            max(overlap_stats.overlapping_ages), max(overlap_stats.overlaps_listed)
        ) as explanation_en,
        format(
            '{}个年龄同属两个世代：{}。出生年代亦重叠（80/90后与95后共享1995-1999年出生者）。',
            max(overlap_stats.overlapping_ages), max(overlap_stats.overlaps_listed)
        ) as explanation_zh
    from generations
    cross join generation_overlaps as overlap_stats
    where generations.generation_level = 'generation'
),

wuhan_increases as (
    select
        max(case when campaign_metric_key = 'wuhan_2020_population_increase' then value end) as total_increase,
        max(case when campaign_metric_key = 'wuhan_2020_high_edu_population_increase' then value end)
            as high_edu_increase,
        max(case when campaign_metric_key = 'wuhan_2020_high_edu_hukou_population_increase' then value end)
            as high_edu_hukou_increase,
        string_agg(value_raw, ' < ' order by value) as stated_raw,
        max(report_section) as report_section
    from campaign_metrics
    where campaign_metric_key in (
        'wuhan_2020_population_increase',
        'wuhan_2020_high_edu_population_increase',
        'wuhan_2020_high_edu_hukou_population_increase'
    )
),

claim_wuhan_population as (
    select
        'wuhan_nested_population_increases' as claim_key,
        11 as claim_order,
        wuhan.report_section,
        '人口总数增长 ~2.8万；高学历人口总数增长 ~2.9万；高学历户籍人口总数增长 ~3万' as claim_zh,
        'Wuhan (to 2020-11): population +~28k, higher-educated +~29k, higher-educated registered +~30k.' as claim_en,
        wuhan.stated_raw as stated_value_raw,
        wuhan.total_increase as stated_value,
        'approximately' as stated_qualifier,
        'persons' as stated_unit,
        wuhan.high_edu_increase - wuhan.total_increase as recomputed_value,
        'persons' as recomputed_unit,
        'report_city_campaigns: the three Wuhan population increases' as inputs,
        'A subset cannot grow more than the whole unless the rest shrank; figures are rounded to 1,000 (0.1万).'
            as assumptions,
        case
            when wuhan.high_edu_increase <= wuhan.total_increase then 'holds'
            when wuhan.high_edu_increase - wuhan.total_increase <= 1000 then 'holds_under_assumption'
            else 'fails'
        end as verdict,
        format(
            'The higher-educated increase exceeds the total by {}: consistent only if the rest of the population fell '
            || 'or rounding hides equality. The registered (户籍) figure ({}) is not a subset of residents. No base '
            || 'period is given.',
            cast(wuhan.high_edu_increase - wuhan.total_increase as integer),
            cast(wuhan.high_edu_hukou_increase as integer)
        ) as explanation_en,
        format(
            '高学历人口增量比总人口增量多{}：只有其余人口减少或四舍五入掩盖相等时才成立；户籍口径（{}）并非常住人口的子集；未给出基期。',
            cast(wuhan.high_edu_increase - wuhan.total_increase as integer),
            cast(wuhan.high_edu_hukou_increase as integer)
        ) as explanation_zh
    from wuhan_increases as wuhan
),

wuhan_live_show as (
    select
        max(case when campaign_metric_key = 'wuhan_2020_live_show_topic_plays' then value end) as topic_plays,
        max(case when campaign_metric_key = 'wuhan_2020_live_show_reach' then value end) as people_reached,
        string_agg(value_raw, ' / ' order by campaign_metric_key) as stated_raw,
        max(quote_zh) as quote_zh,
        max(report_section) as report_section
    from campaign_metrics
    where campaign_metric_key in ('wuhan_2020_live_show_topic_plays', 'wuhan_2020_live_show_reach')
),

claim_wuhan_reach as (
    select
        'wuhan_2020_reach_vs_plays' as claim_key,
        12 as claim_order,
        live.report_section,
        '话题播放量超5千万，覆盖人群超1亿' as claim_zh,
        'Wuhan 2020 LIVE show: topic plays over 50 million, people reached over 100 million.' as claim_en,
        live.stated_raw as stated_value_raw,
        live.people_reached as stated_value,
        'more_than' as stated_qualifier,
        'persons' as stated_unit,
        cast(round(live.people_reached / live.topic_plays, 4) as decimal(20, 4)) as recomputed_value,
        'multiple' as recomputed_unit,
        'report_city_campaigns: LIVE show topic plays and reach' as inputs,
        'Reach counts people shown the campaign (exposure), not people who played a topic video.' as assumptions,
        case when live.people_reached <= live.topic_plays then 'holds' else 'holds_under_assumption' end as verdict,
        format(
            'People reached are {}x the topic plays: more people reached than plays is possible only if reach '
            || 'counts exposure, not viewing.',
            round(live.people_reached / live.topic_plays, 2)
        ) as explanation_en,
        format(
            '覆盖人群是话题播放量的{}倍：只有当“覆盖”指曝光而非观看时才可能成立。',
            round(live.people_reached / live.topic_plays, 2)
        ) as explanation_zh
    from wuhan_live_show as live
),

urbanisation as (
    select
        max(case when headline_figure_key = 'urban_population_2030' then value end) as urban_population,
        max(case when headline_figure_key = 'urban_population_2030' then value_raw end) as urban_population_raw,
        max(case when headline_figure_key = 'urban_population_share_2030' then value end) as urban_share_pct,
        max(case when headline_figure_key = 'urban_population_2030' then quote_zh end) as quote_zh,
        max(report_section) as report_section
    from headline_figures
    where theme = 'urbanisation'
),

claim_urbanisation as (
    select
        'urban_population_2030' as claim_key,
        13 as claim_order,
        urban.report_section,
        urban.quote_zh as claim_zh,
        'By 2030 about 5.1 billion people will live in cities, 60% of the world''s population.' as claim_en,
        urban.urban_population_raw as stated_value_raw,
        urban.urban_population as stated_value,
        'approximately' as stated_qualifier,
        'persons' as stated_unit,
        cast(round(urban.urban_population / (urban.urban_share_pct / 100), 0) as decimal(20, 4)) as recomputed_value,
        'persons' as recomputed_unit,
        'report_headline_figures: 约51亿 and 60%' as inputs,
        'The 60% is a share of the 2030 world population.' as assumptions,
        'cannot_be_checked' as verdict,
        format(
            'The two figures imply a 2030 world population of {} billion; the warehouse holds no world-population '
            || 'projection to check it against.',
            round(urban.urban_population / (urban.urban_share_pct / 100) / 1e9, 2)
        ) as explanation_en,
        format(
            '两数隐含2030年全球人口约{}亿；仓库中没有全球人口预测数据可供核对。',
            round(urban.urban_population / (urban.urban_share_pct / 100) / 1e8, 1)
        ) as explanation_zh
    from urbanisation as urban
),

broadband_years as (
    select
        pilot.program_key,
        pilot.designation_year as report_year,
        pilot.designation_count,
        pilot.quote_zh,
        pilot.report_section,
        min(members.designation_year) as list_year,
        count(members.program_key) as listed_entities
    from pilot_programs as pilot
    inner join program_members as members
        on pilot.program_key = members.program_key
    group by all
),

claim_broadband as (
    select
        'broadband_china_batches_match_lists' as claim_key,
        14 as claim_order,
        max(report_section) as report_section,
        string_agg(quote_zh, '；' order by program_key) as claim_zh,
        'Broadband China: three batches of 39 cities, in 2014, 2014 and 2016 as the table groups them.' as claim_en,
        string_agg(report_year || ':' || designation_count, ', ' order by program_key) as stated_value_raw,
        cast(sum(designation_count) as decimal(20, 4)) as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        cast(sum(listed_entities) as decimal(20, 4)) as recomputed_value,
        'count' as recomputed_unit,
        'report_pilot_programs; ref_pilot_program_members (official MIIT/NDRC lists)' as inputs,
        'The official lists are complete; a batch belongs to the year of its announcement.' as assumptions,
        case
            when bool_and(listed_entities = designation_count) and bool_and(report_year = list_year) then 'holds'
            when bool_and(listed_entities = designation_count) then 'holds_under_assumption'
            else 'fails'
        end as verdict,
        format(
            'The lists hold {} entities against {} printed. Years as printed vs announced: {}.',
            sum(listed_entities), sum(designation_count),
            string_agg(report_year || ' vs ' || list_year, ', ' order by program_key)
        ) as explanation_en,
        format(
            '官方名单共{}个，报告为{}个。报告年份与公布年份：{}。',
            sum(listed_entities), sum(designation_count),
            string_agg(report_year || '/' || list_year, '，' order by program_key)
        ) as explanation_zh
    from broadband_years
),

nasg_rows as (
    select
        pilot.designation_count as printed_2017,
        pilot.quote_zh,
        pilot.report_section,
        earlier.value as announced_earlier,
        earlier.quote_zh as footnote_zh
    from pilot_programs as pilot
    cross join headline_figures as earlier
    where
        pilot.program_key = 'nasg_smart_city_pilot'
        and earlier.headline_figure_key = 'nasg_pilots_announced_2013_2015'
),

claim_nasg as (
    select
        'nasg_2017_pilots_new_in_2017' as claim_key,
        15 as claim_order,
        nasg.report_section,
        nasg.quote_zh as claim_zh,
        '2017: 46 new-round smart-city pilots designated by the surveying and mapping bureau.' as claim_en,
        cast(nasg.printed_2017 as varchar) as stated_value_raw,
        cast(nasg.printed_2017 as decimal(20, 4)) as stated_value,
        'exact' as stated_qualifier,
        'count' as stated_unit,
        cast(nasg.printed_2017 - nasg.announced_earlier as decimal(20, 4)) as recomputed_value,
        'count' as recomputed_unit,
        'report_pilot_programs (2017 row); report_headline_figures (footnote 2: 20 announced in 2013 and 2015)'
            as inputs,
        'The 46 are all pilots, including those announced before 2017.' as assumptions,
        case when nasg.announced_earlier > 0 then 'holds_under_assumption' else 'holds' end as verdict,
        format(
            'Footnote 2: {} of the {} were announced in 2013 and 2015, so {} were new in 2017.',
            cast(nasg.announced_earlier as integer), nasg.printed_2017,
            cast(nasg.printed_2017 - nasg.announced_earlier as integer)
        ) as explanation_en,
        format(
            '脚注2：{}个中的{}个已于2013、2015年发布，2017年新增{}个。',
            nasg.printed_2017, cast(nasg.announced_earlier as integer),
            cast(nasg.printed_2017 - nasg.announced_earlier as integer)
        ) as explanation_zh
    from nasg_rows as nasg
),

all_claims as (
    select * from claim_pilots
    union all by name
    select * from claim_pilot_cities
    union all by name
    select * from claim_idc_growth
    union all by name
    select * from claim_trillion_overall
    union all by name
    select * from claim_trillion_readings
    union all by name
    select * from claim_china_share
    union all by name
    select * from claim_beijing
    union all by name
    select * from claim_sample_sizes
    union all by name
    select * from claim_generations
    union all by name
    select * from claim_wuhan_population
    union all by name
    select * from claim_wuhan_reach
    union all by name
    select * from claim_urbanisation
    union all by name
    select * from claim_broadband
    union all by name
    select * from claim_nasg
)

select
    claim_key,
    cast(claim_order as integer) as claim_order,
    report_section,
    claim_zh,
    claim_en,
    stated_value_raw,
    cast(stated_value as decimal(20, 4)) as stated_value,
    stated_qualifier,
    stated_unit,
    cast(recomputed_value as decimal(20, 4)) as recomputed_value,
    recomputed_unit,
    inputs,
    assumptions,
    verdict,
    explanation_en,
    explanation_zh
from all_claims
