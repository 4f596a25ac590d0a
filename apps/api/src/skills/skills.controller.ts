import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../common/problem-details.js';
import { CreateSkillDto, SkillDto } from './skill.dto.js';
import { ListSkills, SaveSkill } from './skills.use-cases.js';

@ApiTags('skills')
@Controller('v1/skills')
export class SkillsController {
  constructor(
    private readonly listSkills: ListSkills,
    private readonly saveSkill: SaveSkill,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List skills (languages, topics, trainings)' })
  @ApiOkResponse({ type: [SkillDto] })
  async list(): Promise<SkillDto[]> {
    return (await this.listSkills.execute()).map(SkillDto.from);
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: 'Create or rename a skill (idempotent by key)' })
  @ApiOkResponse({ type: SkillDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  async save(@Body() body: CreateSkillDto): Promise<SkillDto> {
    return SkillDto.from(await this.saveSkill.execute(body));
  }
}
