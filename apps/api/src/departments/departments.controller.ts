import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ProblemDto } from '../common/problem-details.js';
import { CreateDepartmentDto, DepartmentDto, UpdateDepartmentDto } from './department.dto.js';
import { CreateDepartment, DeleteDepartment, GetDepartment, ListDepartments, UpdateDepartment } from './departments.use-cases.js';

@ApiTags('departments')
@Controller('v1/departments')
export class DepartmentsController {
  constructor(
    private readonly listDepartments: ListDepartments,
    private readonly getDepartment: GetDepartment,
    private readonly createDepartment: CreateDepartment,
    private readonly updateDepartment: UpdateDepartment,
    private readonly deleteDepartment: DeleteDepartment,
  ) {}

  @Get()
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'List departments' })
  @ApiOkResponse({ type: [DepartmentDto] })
  async list(): Promise<DepartmentDto[]> {
    return (await this.listDepartments.execute()).map(DepartmentDto.from);
  }

  @Get(':id')
  @Roles('supervisor', 'manager')
  @ApiOperation({ summary: 'Get a department' })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async get(@Param('id', uuidParam()) id: string): Promise<DepartmentDto> {
    return DepartmentDto.from(await this.getDepartment.execute(id));
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a department' })
  @ApiCreatedResponse({ type: DepartmentDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'A field breaks a rule (named in `errors`).' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The key is taken.' })
  async create(@Body() body: CreateDepartmentDto): Promise<DepartmentDto> {
    return DepartmentDto.from(await this.createDepartment.execute(body));
  }

  @Put(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Replace a department' })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  async update(@Param('id', uuidParam()) id: string, @Body() body: UpdateDepartmentDto): Promise<DepartmentDto> {
    return DepartmentDto.from(await this.updateDepartment.execute(id, body));
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a department that has no agents or queues' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Agents or queues still belong to it.' })
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.deleteDepartment.execute(id);
  }
}
